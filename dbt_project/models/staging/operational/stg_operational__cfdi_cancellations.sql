with

source as (

    select * from {{ source('operational', 'cfdi_cancellations') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as cfdi_cancellation_id,

        -- strings
        upper(cast(uuid as varchar)) as uuid,
        cast(issuer_rfc as varchar) as issuer_rfc,
        cast(receiver_rfc as varchar) as receiver_rfc,
        cast(pac_rfc as varchar) as pac_rfc,
        cast(effect as varchar) as effect,
        cast(file_name as varchar) as file_name,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('amount') }} as amount,

        -- dates
        cast(cancelled_at as date) as cancelled_on,

        -- timestamps
        cast(issued_at as timestamp) as issued_at,
        cast(certified_at as timestamp) as certified_at,
        cast(cancelled_at as timestamp) as cancelled_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
