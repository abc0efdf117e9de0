with

source as (

    select * from {{ source('operational', 'contracts') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as contract_id,
        cast(account_id as bigint) as account_id,
        cast(opportunity_id as bigint) as opportunity_id,

        -- strings
        cast(contract_number as varchar) as contract_number,
        cast(currency as varchar) as currency,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(payment_terms_days as integer) as payment_terms_days,
        cast(billing_day as integer) as billing_day,

        -- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(activated_on as date) as activated_on,
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
