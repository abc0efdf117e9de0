{#-
    One row per contract with its formalization (docs/stages-and-kpis.md, formalization): won date of
    its opportunity, activation, days between, the formalization steps decided and how many
    were rejected, and the plan margin against var('margin_floor'). The plan margin is the
    margin of the proposal the contract was sold on ((price − cost) ÷ price of the
    opportunity's deciding proposal, fct_opportunities): the price plan itself carries no
    cost. Contracts captured from the previous system (no opportunity, no steps recorded)
    are kept and flagged `is_captured`; the formalization KPIs leave them out.
-#}

{%- set margin_floor = var('margin_floor', 0.25) -%}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

steps as (

    select * from {{ ref('stg_operational__formalization_steps') }}

),

price_plans as (

    select * from {{ ref('stg_operational__price_plans') }}

),

step_summary as (

    select
        contract_id,
        count(*) as step_decisions,
        count(*) filter (where decision = 'rejected') as rejected_decisions,
        string_agg(distinct step, ', ' order by step) filter (where decision = 'rejected')
            as rejected_steps,
        min(decided_on) as first_step_on,
        max(decided_on) as last_step_on,
    from steps
    group by contract_id

),

first_plans as (

    select
        contract_id,
        fixed_monthly_fee,
        row_number() over (
            partition by contract_id order by effective_from, price_plan_id
        ) as plan_rank,
    from price_plans

),

final as (

    select
        contracts.contract_number,
        contracts.account_code,
        contracts.opportunity_code,
        contracts.currency,
        contracts.start_date,
        opportunities.won_on,
        contracts.activated_on,
        cast(date_trunc('month', contracts.activated_on) as date) as activated_month,
        cast(contracts.activated_on - opportunities.won_on as integer) as formalization_days,
        step_summary.first_step_on,
        step_summary.last_step_on,
        cast(coalesce(step_summary.step_decisions, 0) as integer) as step_decisions,
        cast(coalesce(step_summary.rejected_decisions, 0) as integer) as rejected_decisions,
        step_summary.rejected_steps,
        coalesce(step_summary.rejected_decisions, 0) = 0 as is_first_pass,
        contracts.opportunity_id is null and step_summary.contract_id is null as is_captured,
        first_plans.fixed_monthly_fee as first_fixed_monthly_fee,
        opportunities.proposal_code,
        opportunities.proposal_margin_pct as plan_margin_pct,
        cast({{ margin_floor }} * 100 as decimal(20, 4)) as margin_floor_pct,
        opportunities.proposal_margin_pct < {{ margin_floor }} * 100 as is_below_margin_floor,
    from contracts
    left join opportunities
        on contracts.opportunity_code = opportunities.opportunity_code
    left join step_summary
        on contracts.contract_id = step_summary.contract_id
    left join first_plans
        on contracts.contract_id = first_plans.contract_id
        and first_plans.plan_rank = 1

)

select * from final
