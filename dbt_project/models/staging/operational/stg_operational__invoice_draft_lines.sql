with

source as (

    select * from {{ source('operational', 'invoice_draft_lines') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as invoice_draft_line_id,
        cast(draft_id as bigint) as invoice_draft_id,

        -- the columns every document line shares (macros/document_lines.sql)
        {{ document_line_columns() }}

    from source

),

final as (

    select * from renamed

)

select * from final
