with

source as (

    select * from {{ source('operational', 'tickets') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as ticket_id,
        cast(contract_id as bigint) as contract_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(ticket_number as varchar) as ticket_number,
        cast(ticket_type as varchar) as ticket_type,
        cast(priority as varchar) as priority,
        cast(description as varchar) as description,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(test_mono_pages as integer) as test_mono_pages,
        cast(test_color_pages as integer) as test_color_pages,

        -- booleans
        cast(first_time_fix as boolean) as first_time_fix,

        -- timestamps
        cast(opened_at as timestamp) as opened_at,
        cast(first_response_at as timestamp) as first_response_at,
        cast(resolved_at as timestamp) as resolved_at,
        cast(closed_at as timestamp) as closed_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
