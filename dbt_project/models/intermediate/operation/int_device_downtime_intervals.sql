{#-
    Each device's down intervals from its monitoring events (docs/stages-and-kpis.md, operation:
    device monitoring up/down events). Repeated events of the same type are collapsed to
    the first (a second `down` while down changes nothing); an interval runs from a `down`
    to the next `up`, and is still open (up_at null) when no `up` followed. An `up` with no
    `down` before it only confirms the device was up.
-#}

with

events as (

    select * from {{ ref('stg_operational__device_events') }}

),

sequenced as (

    select
        device_id,
        event_type,
        event_at,
        lag(event_type) over (
            partition by device_id order by event_at, event_type
        ) as previous_type,
    from events

),

changes as (

    select
        device_id,
        event_type,
        event_at,
        lead(event_at) over (
            partition by device_id order by event_at, event_type
        ) as next_change_at,
    from sequenced
    where previous_type is null or previous_type <> event_type

),

final as (

    select
        device_id,
        event_at as down_at,
        next_change_at as up_at,
    from changes
    where event_type = 'down'

)

select * from final
