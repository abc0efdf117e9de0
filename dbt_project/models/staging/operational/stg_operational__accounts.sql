with

source as (

    select * from {{ source('operational', 'accounts') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as account_id,

        -- strings
        cast(account_code as varchar) as account_code,
        cast(name as varchar) as name,
        cast(tax_id as varchar) as tax_id,
        cast(segment as varchar) as segment,
        cast(region as varchar) as region,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_rate('tax_rate') }} as tax_rate,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
