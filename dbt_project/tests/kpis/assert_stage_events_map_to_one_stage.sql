{#-
    Every transaction type in fct_stage_events maps to exactly one stage, and it is the
    stage the transaction_types seed gives it (docs/stages-and-kpis.md: a process that cannot be
    placed in a stage is badly defined).
-#}

with

events as (

    select * from {{ ref('fct_stage_events') }}

),

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

stages_per_type as (

    select
        events.transaction_type,
        count(distinct events.stage_code) as stage_count,
        count(*) filter (where events.stage_code is null) as events_without_stage,
        min(events.stage_code) as stage_code,
    from events
    group by events.transaction_type

),

seed_stages as (

    select
        transaction_type,
        count(*) as seed_rows,
        min(stage_code) as stage_code,
    from transaction_types
    group by transaction_type

),

final as (

    select
        stages_per_type.transaction_type,
        stages_per_type.stage_count,
        stages_per_type.events_without_stage,
        seed_stages.seed_rows,
    from stages_per_type
    left join seed_stages
        on stages_per_type.transaction_type = seed_stages.transaction_type
    where stages_per_type.stage_count <> 1
        or stages_per_type.events_without_stage > 0
        or coalesce(seed_stages.seed_rows, 0) <> 1
        or stages_per_type.stage_code <> seed_stages.stage_code

)

select * from final
