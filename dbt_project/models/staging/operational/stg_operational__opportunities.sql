with

source as (

    select * from {{ source('operational', 'opportunities') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as opportunity_id,
        cast(account_id as bigint) as account_id,

        -- strings
        cast(opportunity_code as varchar) as opportunity_code,
        cast(owner as varchar) as owner,
        cast(source as varchar) as source,
        cast(currency as varchar) as currency,
        cast(stage as varchar) as stage,
        cast(lost_reason as varchar) as lost_reason,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('estimated_amount') }} as estimated_amount,

        -- dates
        cast(created_on as date) as created_on,
        cast(closed_on as date) as closed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
