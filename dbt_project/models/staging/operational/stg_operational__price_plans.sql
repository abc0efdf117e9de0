with

source as (

    select * from {{ source('operational', 'price_plans') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as price_plan_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('fixed_monthly_fee') }} as fixed_monthly_fee,
        cast(included_mono_pages as bigint) as included_mono_pages,
        cast(included_color_pages as bigint) as included_color_pages,
        {{ to_rate('mono_rate') }} as mono_rate,
        {{ to_rate('color_rate') }} as color_rate,
        {{ to_money('minimum_monthly_charge') }} as minimum_monthly_charge,

        -- dates
        cast(effective_from as date) as effective_from,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
