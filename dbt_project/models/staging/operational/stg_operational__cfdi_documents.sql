with

source as (

    select * from {{ source('operational', 'cfdi_documents') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as cfdi_document_id,
        cast(invoice_id as bigint) as invoice_id,
        cast(credit_note_id as bigint) as credit_note_id,

        -- strings
        upper(cast(uuid as varchar)) as uuid,
        cast(cfdi_type as varchar) as cfdi_type,
        cast(version as varchar) as version,
        cast(series as varchar) as series,
        cast(folio as varchar) as folio,
        cast(issuer_rfc as varchar) as issuer_rfc,
        cast(receiver_rfc as varchar) as receiver_rfc,
        cast(receiver_name as varchar) as receiver_name,
        cast(pac_rfc as varchar) as pac_rfc,
        cast(currency as varchar) as currency,
        cast(payment_method as varchar) as payment_method,
        cast(relation_type as varchar) as relation_type,
        cast(related_uuids as varchar) as related_uuids,
        cast(import_outcome as varchar) as import_outcome,
        cast(file_name as varchar) as file_name,
        cast(xml_sha256 as varchar) as xml_sha256,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_rate('exchange_rate') }} as exchange_rate,
        {{ to_money('subtotal') }} as subtotal,
        {{ to_money('tax_amount') }} as tax_amount,
        {{ to_money('total') }} as total,

        -- timestamps
        cast(issued_at as timestamp) as issued_at,
        cast(stamped_at as timestamp) as stamped_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
