with

source as (

    select * from {{ source('operational', 'invoice_drafts') }}
    where deleted_at is null  -- a replaced draft is withdrawn

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_draft_id,
        cast(contract_id as bigint) as contract_id,
        cast(related_invoice_id as bigint) as related_invoice_id,
        cast(posted_invoice_id as bigint) as posted_invoice_id,
        cast(posted_credit_note_id as bigint) as posted_credit_note_id,

        -- strings
        cast(document_type as varchar) as document_type,
        cast(purpose as varchar) as purpose,
        cast(currency as varchar) as currency,
        cast(charge_fingerprint as varchar) as charge_fingerprint,
        cast(status as varchar) as status,
        cast(posted_by as varchar) as posted_by,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('subtotal') }} as subtotal,
        {{ to_money('tax_amount') }} as tax_amount,
        {{ to_money('total') }} as total,
        {{ to_decimal('tax_rate', 6, 4) }} as tax_rate,

        -- dates
        cast(period_start as date) as period_start,
        cast(issued_on as date) as issued_on,

        -- timestamps
        cast(posted_at as timestamp) as posted_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
