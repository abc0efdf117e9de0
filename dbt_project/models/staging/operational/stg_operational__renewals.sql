with

source as (

    select * from {{ source('operational', 'renewals') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as renewal_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- dates
        cast(renewed_on as date) as renewed_on,
        cast(previous_end_date as date) as previous_end_date,
        cast(new_end_date as date) as new_end_date,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
