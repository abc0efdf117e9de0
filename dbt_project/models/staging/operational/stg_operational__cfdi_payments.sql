with

source as (

    select * from {{ source('operational', 'cfdi_payments') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as cfdi_payment_id,
        cast(cfdi_document_id as bigint) as cfdi_document_id,
        cast(payment_id as bigint) as payment_id,

        -- strings
        cast(import_outcome as varchar) as import_outcome,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(pago_number as integer) as pago_number,

        -- timestamps
        cast(paid_at as timestamp) as paid_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
