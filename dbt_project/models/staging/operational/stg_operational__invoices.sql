with

source as (

    select * from {{ source('operational', 'invoices') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_id,
        cast(contract_id as bigint) as contract_id,
        cast(adjusts_invoice_id as bigint) as adjusts_invoice_id,

        -- strings
        cast(invoice_number as varchar) as invoice_number,
        cast(currency as varchar) as currency,
        cast(origin as varchar) as origin,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('subtotal') }} as subtotal,
        {{ to_money('tax_amount') }} as tax_amount,
        {{ to_money('total') }} as total,

        -- dates
        cast(period_start as date) as period_start,
        cast(issued_on as date) as issued_on,
        cast(due_on as date) as due_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
