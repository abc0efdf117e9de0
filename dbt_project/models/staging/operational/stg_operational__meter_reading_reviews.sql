{#-
    Every meter reading that was held for review, withdrawn or not: a rejected reading is
    withdrawn, so stg_operational__meter_readings (live rows) no longer shows it, but the
    review's outcome must stay visible (fct_meter_exceptions). Same source table, another
    grain of interest: the review, not the reading.
-#}

with

source as (

    select * from {{ source('operational', 'meter_readings') }}
    where review_status <> 'counted'

),

renamed as (

    select
        -- ids
        cast(id as bigint) as meter_reading_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(review_status as varchar) as review_status,
        cast(review_reason as varchar) as review_reason,
        cast(review_note as varchar) as review_note,
        cast(decided_by as varchar) as decided_by,

        -- numerics
        cast(mono_counter as bigint) as mono_counter,
        cast(color_counter as bigint) as color_counter,

        -- booleans
        cast(meter_reset as boolean) as meter_reset,
        deleted_at is not null as is_withdrawn,

        -- dates
        cast(read_on as date) as read_on,

        -- timestamps
        cast(decided_at as timestamp) as decided_at,
        cast(created_at as timestamp) as created_at,

    from source

),

final as (

    select * from renamed

)

select * from final
