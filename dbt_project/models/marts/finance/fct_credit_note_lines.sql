{#-
    The lines of posted credit notes (docs/billing-run.md): a billing-run adjustment that
    credits part of a posted invoice is one `adjustment` line. Credit notes typed by hand
    without lines have none here.
-#}

with

lines as (

    select * from {{ ref('stg_operational__credit_note_lines') }}

),

credit_notes as (

    select * from {{ ref('stg_operational__credit_notes') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

final as (

    select
        credit_notes.credit_note_number,
        lines.line_number,
        invoices.invoice_number,
        lines.kind,
        lines.meter,
        lines.tier_from_page,
        lines.quantity,
        lines.unit_price,
        lines.amount,
        lines.tax_amount,
        lines.description,
        contracts.contract_number,
        invoices.period_start,
        credit_notes.issued_on,
        invoices.currency,
    from lines
    inner join credit_notes
        on lines.credit_note_id = credit_notes.credit_note_id
    inner join invoices
        on credit_notes.invoice_id = invoices.invoice_id
    inner join contracts
        on invoices.contract_id = contracts.contract_id

)

select * from final
