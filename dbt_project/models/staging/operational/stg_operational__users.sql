with

source as (

    select * from {{ source('operational', 'users') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as user_id,

        -- strings
        cast(username as varchar) as username,
        cast(display_name as varchar) as display_name,
        cast(role as varchar) as role,
        cast(area as varchar) as area,
        cast(created_by as varchar) as created_by,

        -- booleans
        cast(is_active as boolean) as is_active,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
