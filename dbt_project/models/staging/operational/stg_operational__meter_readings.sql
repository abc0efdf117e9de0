with

source as (

    select * from {{ source('operational', 'meter_readings') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as meter_reading_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(source as varchar) as source,
        cast(review_status as varchar) as review_status,
        cast(review_reason as varchar) as review_reason,
        cast(review_note as varchar) as review_note,
        cast(decided_by as varchar) as decided_by,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(mono_counter as bigint) as mono_counter,
        cast(color_counter as bigint) as color_counter,

        -- booleans
        cast(meter_reset as boolean) as meter_reset,

        -- dates
        cast(read_on as date) as read_on,

        -- timestamps
        cast(decided_at as timestamp) as decided_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
