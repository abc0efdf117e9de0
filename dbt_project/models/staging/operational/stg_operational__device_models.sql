with

source as (

    select * from {{ source('operational', 'device_models') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as device_model_id,

        -- strings
        cast(model as varchar) as model,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(rated_monthly_volume as bigint) as rated_monthly_volume,

        -- booleans
        cast(is_color as boolean) as is_color,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
