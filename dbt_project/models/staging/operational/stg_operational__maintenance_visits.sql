with

source as (

    select * from {{ source('operational', 'maintenance_visits') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as maintenance_visit_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(visit_code as varchar) as visit_code,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(test_mono_pages as integer) as test_mono_pages,
        cast(test_color_pages as integer) as test_color_pages,

        -- dates
        cast(due_on as date) as due_on,
        cast(done_on as date) as done_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
