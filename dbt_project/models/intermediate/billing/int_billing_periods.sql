{#-
    Contract × billing period (calendar month) in which the contract is billable, up to
    the as-of month and never past it, with its active fraction and the price plan in
    force on the period's first day (docs/billing.md, Periods and plans).
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}
    where billable_through >= billable_from

),

price_plans as (

    {{ price_plans_in_force(ref('stg_operational__price_plans')) }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

periods as (

    select
        contracts.contract_id,
        contracts.contract_number,
        contracts.account_id,
        contracts.account_code,
        contracts.currency,
        contracts.tax_rate,
        cast({{ month_series(
            "date_trunc('month', contracts.billable_from)",
            "least(date_trunc('month', contracts.billable_through), as_of.as_of_month_start)"
        ) }} as date) as period_start,
        contracts.billable_from,
        contracts.billable_through,
        as_of.as_of_date,
    from contracts
    inner join as_of
        on contracts.billable_from <= as_of.as_of_month_end

),

spans as (

    select
        contract_id,
        contract_number,
        account_id,
        account_code,
        currency,
        tax_rate,
        period_start,
        last_day(period_start) as period_end,
        cast(day(last_day(period_start)) as integer) as days_in_month,
        greatest(billable_from, period_start) as active_from,
        least(billable_through, last_day(period_start)) as active_to,
        last_day(period_start) <= as_of_date as is_period_closed,
    from periods

),

final as (

    select
        spans.contract_id,
        spans.contract_number,
        spans.account_id,
        spans.account_code,
        spans.currency,
        spans.tax_rate,
        spans.period_start,
        spans.period_end,
        spans.days_in_month,
        spans.active_from,
        spans.active_to,
        cast(spans.active_to - spans.active_from + 1 as integer) as active_days,
        cast(
            cast({{ round_half_up_div(
                '1000000 * (spans.active_to - spans.active_from + 1)', 'spans.days_in_month'
            ) }} as decimal(38, 0))
            * cast(0.000001 as decimal(7, 6))
            as decimal(18, 6)
        ) as active_fraction,
        spans.is_period_closed,
        price_plans.price_plan_id,
        price_plans.effective_from as plan_effective_from,
        price_plans.fixed_monthly_fee,
        price_plans.included_mono_pages,
        price_plans.included_color_pages,
        price_plans.mono_rate,
        price_plans.color_rate,
        price_plans.minimum_monthly_charge,
    from spans
    -- the plan in force on the period's first day (macros/price_plans.sql)
    left join price_plans
        on spans.contract_id = price_plans.contract_id
        and {{ plan_in_force_on('price_plans', 'spans.period_start') }}

)

select * from final
