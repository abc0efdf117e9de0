{#-
    Every transaction recorded is one event: per transaction type, fct_stage_events has
    exactly as many events as the staging model has records (agg_stage_records), and no type
    of the seed is missing.
-#}

with

events as (

    select
        transaction_type,
        count(*) as events,
    from {{ ref('fct_stage_events') }}
    group by transaction_type

),

records as (

    select * from {{ ref('agg_stage_records') }}

),

final as (

    select
        records.transaction_type,
        records.records,
        coalesce(events.events, 0) as events,
    from records
    left join events
        on records.transaction_type = events.transaction_type
    where records.records <> coalesce(events.events, 0)

)

select * from final
