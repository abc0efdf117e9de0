with

source as (

    select * from {{ source('operational', 'invoice_lines') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_line_id,
        cast(invoice_id as bigint) as invoice_id,

        -- strings
        cast(kind as varchar) as kind,
        cast(meter as varchar) as meter,
        cast(description as varchar) as description,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(tier_from_page as bigint) as tier_from_page,
        {{ to_decimal('quantity', 18, 6) }} as quantity,
        {{ to_rate('unit_price') }} as unit_price,
        {{ to_money('amount') }} as amount,
        {{ to_money('tax_amount') }} as tax_amount,

        -- booleans
        cast(is_estimated as boolean) as is_estimated,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
