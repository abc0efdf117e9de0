with

source as (

    select * from {{ source('operational', 'maintenance_plans') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as maintenance_plan_id,
        cast(device_id as bigint) as device_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(interval_months as integer) as interval_months,

        -- dates
        cast(starts_on as date) as starts_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
