with

source as (

    select * from {{ source('operational', 'consumable_requests') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as consumable_request_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(request_number as varchar) as request_number,
        cast(item as varchar) as item,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(quantity as integer) as quantity,

        -- timestamps
        cast(requested_at as timestamp) as requested_at,
        cast(delivered_at as timestamp) as delivered_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
