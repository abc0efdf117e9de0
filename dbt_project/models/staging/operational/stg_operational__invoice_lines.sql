with

source as (

    select * from {{ source('operational', 'invoice_lines') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_line_id,
        cast(invoice_id as bigint) as invoice_id,

        -- the columns every document line shares (macros/document_lines.sql)
        {{ document_line_columns() }}

    from source

),

final as (

    select * from renamed

)

select * from final
