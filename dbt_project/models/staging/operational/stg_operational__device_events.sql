with

source as (

    select * from {{ source('operational', 'device_events') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as device_event_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(event_type as varchar) as event_type,
        cast(created_by as varchar) as created_by,

        -- timestamps
        cast(event_at as timestamp) as event_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
