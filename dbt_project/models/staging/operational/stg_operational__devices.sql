with

source as (

    select * from {{ source('operational', 'devices') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as device_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(serial as varchar) as serial,
        cast(model as varchar) as model,
        cast(site as varchar) as site,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(install_mono_counter as bigint) as install_mono_counter,
        cast(install_color_counter as bigint) as install_color_counter,

        -- booleans
        cast(is_color as boolean) as is_color,

        -- dates
        cast(installed_on as date) as installed_on,
        cast(removed_on as date) as removed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
