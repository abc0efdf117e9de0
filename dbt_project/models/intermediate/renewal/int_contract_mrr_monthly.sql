{#-
    Contract × month recurring fee (docs/value-chain.md, grr_pct / nrr_pct): for each contract
    active on the month's measurement day (the month's last day, or the as-of date in the
    as-of month: int_kpi_months.measured_through), the fixed monthly fee of the price plan
    in force on that day (the latest effective_from on or before it; the first plan before
    any), in MXN at that day's exchange rate (the nearest earlier rate when the day has
    none). Usage overage is not recurring and is left out.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

price_plans as (

    select * from {{ ref('stg_operational__price_plans') }}

),

active as (

    select
        contracts.contract_id,
        contracts.contract_number,
        contracts.account_id,
        contracts.account_code,
        contracts.currency,
        months.month,
        months.measured_through,
    from contracts
    inner join months
        on contracts.billable_from <= months.measured_through
        and contracts.billable_through >= months.measured_through

),

plans_ranked as (

    select
        active.contract_id,
        active.month,
        price_plans.price_plan_id,
        price_plans.fixed_monthly_fee,
        row_number() over (
            partition by active.contract_id, active.month
            order by
                price_plans.effective_from > active.measured_through,
                case
                    when price_plans.effective_from <= active.measured_through
                        then price_plans.effective_from
                end desc nulls last,
                price_plans.effective_from
        ) as plan_rank,
    from active
    inner join price_plans
        on active.contract_id = price_plans.contract_id

),

with_plan as (

    select
        active.*,
        plans_ranked.price_plan_id,
        coalesce(plans_ranked.fixed_monthly_fee, cast(0 as decimal(18, 2))) as fixed_monthly_fee,
    from active
    left join plans_ranked
        on active.contract_id = plans_ranked.contract_id
        and active.month = plans_ranked.month
        and plans_ranked.plan_rank = 1

),

converted as (

    select
        with_plan.*,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from with_plan
    {{ fx_asof_join('fx', 'with_plan.currency', 'with_plan.measured_through') }}

),

final as (

    select
        contract_id,
        contract_number,
        account_id,
        account_code,
        month,
        measured_through,
        price_plan_id,
        currency,
        fixed_monthly_fee,
        fx_rate_to_mxn,
        {{ money_times('fixed_monthly_fee', 'fx_rate_to_mxn') }} as fixed_monthly_fee_mxn,
    from converted

)

select * from final
