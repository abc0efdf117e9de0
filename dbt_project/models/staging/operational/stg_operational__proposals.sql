with

source as (

    select * from {{ source('operational', 'proposals') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as proposal_id,
        cast(opportunity_id as bigint) as opportunity_id,

        -- strings
        cast(proposal_code as varchar) as proposal_code,
        cast(currency as varchar) as currency,
        cast(status as varchar) as status,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('price') }} as price,
        {{ to_money('cost') }} as cost,

        -- dates
        cast(proposed_on as date) as proposed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
