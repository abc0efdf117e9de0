{#-
    One row per opportunity with the dates it reached each point of the funnel
    (docs/stages-and-kpis.md, sales: prospect → qualified → diagnosis → proposal → negotiation →
    won | lost; skipping stages is allowed). "Qualified" means it ever reached `qualified`
    or any later stage, `won` included: a deal won straight from prospect was qualified.
    The won or lost date is the opportunity's closed_on, else its stage change's date.
-#}

with

opportunities as (

    select * from {{ ref('stg_operational__opportunities') }}

),

stage_changes as (

    select * from {{ ref('stg_operational__opportunity_stage_changes') }}

),

reached as (

    select
        opportunity_id,
        min(changed_on) filter (
            where to_stage in ('qualified', 'diagnosis', 'proposal', 'negotiation', 'won')
        ) as qualified_on,
        min(changed_on) filter (
            where to_stage in ('proposal', 'negotiation', 'won')
        ) as proposal_on,
        min(changed_on) filter (where to_stage = 'won') as won_changed_on,
        min(changed_on) filter (where to_stage = 'lost') as lost_changed_on,
        count(*) as stage_change_count,
    from stage_changes
    group by opportunity_id

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.stage,
        opportunities.created_on,
        reached.qualified_on,
        reached.proposal_on,
        case
            when opportunities.stage = 'won'
                then coalesce(opportunities.closed_on, reached.won_changed_on)
        end as won_on,
        case
            when opportunities.stage = 'lost'
                then coalesce(opportunities.closed_on, reached.lost_changed_on)
        end as lost_on,
        reached.qualified_on is not null or opportunities.stage = 'won' as is_qualified,
        cast(coalesce(reached.stage_change_count, 0) as integer) as stage_change_count,
    from opportunities
    left join reached
        on opportunities.opportunity_id = reached.opportunity_id

)

select * from final
