with

source as (

    select * from {{ source('operational', 'sla_terms') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as sla_term_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_decimal('response_hours', 18, 2) }} as response_hours,
        {{ to_decimal('resolution_hours', 18, 2) }} as resolution_hours,
        {{ to_decimal('uptime_target_pct', 18, 2) }} as uptime_target_pct,

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
