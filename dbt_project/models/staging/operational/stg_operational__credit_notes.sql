with

source as (

    select * from {{ source('operational', 'credit_notes') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as credit_note_id,
        cast(invoice_id as bigint) as invoice_id,

        -- strings
        cast(credit_note_number as varchar) as credit_note_number,
        cast(reason as varchar) as reason,
        cast(origin as varchar) as origin,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('subtotal') }} as subtotal,
        {{ to_money('tax_amount') }} as tax_amount,
        {{ to_money('total') }} as total,

        -- dates
        cast(issued_on as date) as issued_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
