with

source as (

    select * from {{ source('operational', 'fx_rates') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as fx_rate_id,

        -- strings
        cast(currency as varchar) as currency,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_rate('mxn_per_unit') }} as mxn_per_unit,

        -- dates
        cast(rate_date as date) as rate_date,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
