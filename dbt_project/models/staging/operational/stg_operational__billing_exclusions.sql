with

source as (

    select * from {{ source('operational', 'billing_exclusions') }}
    where deleted_at is null  -- a lifted exclusion is withdrawn

),

renamed as (

    select
        -- ids
        cast(id as bigint) as billing_exclusion_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(reason as varchar) as reason,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(period_start as date) as period_start,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
