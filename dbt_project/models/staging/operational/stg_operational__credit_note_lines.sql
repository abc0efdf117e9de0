with

source as (

    select * from {{ source('operational', 'credit_note_lines') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as credit_note_line_id,
        cast(credit_note_id as bigint) as credit_note_id,

        -- the columns every document line shares (macros/document_lines.sql)
        {{ document_line_columns() }}

    from source

),

final as (

    select * from renamed

)

select * from final
