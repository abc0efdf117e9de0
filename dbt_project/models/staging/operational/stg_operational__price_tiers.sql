with

source as (

    select * from {{ source('operational', 'price_tiers') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as price_tier_id,
        cast(price_plan_id as bigint) as price_plan_id,

        -- strings
        cast(meter as varchar) as meter,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(from_page as bigint) as from_page,
        {{ to_rate('rate') }} as rate,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
