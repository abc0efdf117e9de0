with

source as (

    select * from {{ source('operational', 'contract_reviews') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as contract_review_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(outcome as varchar) as outcome,
        cast(notes as varchar) as notes,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(review_on as date) as review_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
