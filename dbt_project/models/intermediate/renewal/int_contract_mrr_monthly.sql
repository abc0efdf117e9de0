{#-
    Contract × month recurring fee (docs/stages-and-kpis.md, grr_pct / nrr_pct): for each contract
    active on the month's measurement day (the month's last day, or the as-of date in the
    as-of month: int_kpi_months.measured_through), the fixed monthly fee of the price plan
    in force on that day (macros/price_plans.sql: the latest effective_from on or before
    it; the first plan before any), in MXN at that day's exchange rate (the nearest
    earlier rate when the day has none). Usage overage is not recurring and is left out.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

price_plans as (

    {{ price_plans_in_force(ref('stg_operational__price_plans')) }}

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

with_plan as (

    select
        active.*,
        price_plans.price_plan_id,
        coalesce(price_plans.fixed_monthly_fee, cast(0 as decimal(18, 2))) as fixed_monthly_fee,
    from active
    -- the plan in force on the measurement day (macros/price_plans.sql)
    left join price_plans
        on active.contract_id = price_plans.contract_id
        and {{ plan_in_force_on('price_plans', 'active.measured_through') }}

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
