{#-
    One row per opportunity (docs/stages-and-kpis.md, sales): funnel dates, outcome, cycle days and
    the deciding proposal's price, cost and margin. The deciding proposal is the accepted
    one (the latest if several), else the latest proposal sent. Amounts are in the
    opportunity's or proposal's currency, with MXN equivalents at the exchange rate of the
    day (the won or lost date when closed, else the creation or proposal date; the nearest
    earlier rate when that day has none).
-#}

with

opportunities as (

    select * from {{ ref('stg_operational__opportunities') }}

),

milestones as (

    select * from {{ ref('int_opportunity_milestones') }}

),

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

proposals as (

    select * from {{ ref('stg_operational__proposals') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

proposals_ranked as (

    select
        proposals.*,
        count(*) over (partition by proposals.opportunity_id) as proposal_count,
        row_number() over (
            partition by proposals.opportunity_id
            order by
                proposals.status = 'accepted' desc,
                proposals.proposed_on desc,
                proposals.proposal_id desc
        ) as proposal_rank,
    from proposals

),

-- the first contract created from the opportunity
contracts_ranked as (

    select
        contracts.*,
        row_number() over (
            partition by contracts.opportunity_id
            order by contracts.start_date, contracts.contract_id
        ) as contract_rank,
    from contracts
    where contracts.opportunity_id is not null

),

joined as (

    select
        opportunities.opportunity_id,
        opportunities.opportunity_code,
        accounts.account_code,
        accounts.segment,
        accounts.region,
        opportunities.owner,
        opportunities.source,
        opportunities.stage,
        opportunities.lost_reason,
        opportunities.currency,
        opportunities.estimated_amount,
        milestones.created_on,
        milestones.qualified_on,
        milestones.proposal_on,
        milestones.won_on,
        milestones.lost_on,
        coalesce(milestones.won_on, milestones.lost_on) as closed_on,
        milestones.is_qualified,
        proposals_ranked.proposal_code,
        proposals_ranked.status as proposal_status,
        proposals_ranked.proposed_on,
        proposals_ranked.currency as proposal_currency,
        proposals_ranked.price as proposal_price,
        proposals_ranked.cost as proposal_cost,
        cast(coalesce(proposals_ranked.proposal_count, 0) as integer) as proposal_count,
        contracts_ranked.contract_number,
        contracts_ranked.activated_on as contract_activated_on,
        coalesce(milestones.won_on, milestones.lost_on, milestones.created_on) as amount_fx_date,
        coalesce(milestones.won_on, milestones.lost_on, proposals_ranked.proposed_on)
            as proposal_fx_date,
    from opportunities
    inner join milestones
        on opportunities.opportunity_id = milestones.opportunity_id
    inner join accounts
        on opportunities.account_id = accounts.account_id
    left join proposals_ranked
        on opportunities.opportunity_id = proposals_ranked.opportunity_id
        and proposals_ranked.proposal_rank = 1
    left join contracts_ranked
        on opportunities.opportunity_id = contracts_ranked.opportunity_id
        and contracts_ranked.contract_rank = 1

),

amount_fx as (

    select
        joined.*,
        amount_rate.mxn_per_unit as amount_fx_rate,
    from joined
    {{ fx_asof_join('amount_rate', 'joined.currency', 'joined.amount_fx_date') }}

),

proposal_fx as (

    select
        amount_fx.*,
        proposal_rate.mxn_per_unit as proposal_fx_rate,
    from amount_fx
    {{ fx_asof_join('proposal_rate', 'amount_fx.proposal_currency', 'amount_fx.proposal_fx_date') }}

),

final as (

    select
        opportunity_code,
        account_code,
        segment,
        region,
        owner,
        source,
        stage,
        case
            when stage = 'won' then 'won'
            when stage = 'lost' then 'lost'
            else 'open'
        end as outcome,
        lost_reason,
        -- dates
        created_on,
        qualified_on,
        proposal_on,
        won_on,
        lost_on,
        closed_on,
        cast(date_trunc('month', created_on) as date) as created_month,
        cast(date_trunc('month', closed_on) as date) as closed_month,
        cast(closed_on - created_on as integer) as cycle_days,
        is_qualified,
        stage = 'won' as is_won,
        stage = 'lost' as is_lost,
        stage not in ('won', 'lost') as is_open,
        -- amounts
        currency,
        estimated_amount,
        {{ money_times('estimated_amount', 'amount_fx_rate') }} as estimated_amount_mxn,
        proposal_count,
        proposal_code,
        proposal_status,
        proposed_on,
        proposal_currency,
        proposal_price,
        proposal_cost,
        cast(proposal_price - proposal_cost as decimal(18, 2)) as proposal_margin,
        {{ kpi_ratio('proposal_price - proposal_cost', 'proposal_price', 100) }}
            as proposal_margin_pct,
        {{ money_times('proposal_price', 'proposal_fx_rate') }} as proposal_price_mxn,
        {{ money_times('proposal_cost', 'proposal_fx_rate') }} as proposal_cost_mxn,
        -- what came of it
        contract_number,
        contract_activated_on,
    from proposal_fx

)

select * from final
