with

source as (

    select * from {{ source('operational', 'kpi_targets') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as kpi_target_id,

        -- strings
        cast(kpi_code as varchar) as kpi_code,
        cast(reason as varchar) as reason,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_rate('target') }} as target,
        {{ to_rate('amber') }} as amber,

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
