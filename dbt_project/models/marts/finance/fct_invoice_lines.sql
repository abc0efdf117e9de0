{#-
    The lines of posted invoices (docs/billing-run.md): what each amount bills — the fixed
    fee, an overage tier of a meter, the minimum true-up, or an adjustment — with its tax.
    Invoices typed by hand or imported without lines have none here. Drafts are not invoices
    and never appear (they are in invoice_drafts, which no mart reads as a receivable).
-#}

with

lines as (

    select * from {{ ref('stg_operational__invoice_lines') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

final as (

    select
        invoices.invoice_number,
        lines.line_number,
        lines.kind,
        lines.meter,
        lines.tier_from_page,
        lines.quantity,
        lines.unit_price,
        lines.amount,
        lines.tax_amount,
        lines.description,
        lines.is_estimated,
        contracts.contract_number,
        invoices.period_start,
        invoices.issued_on,
        invoices.currency,
    from lines
    inner join invoices
        on lines.invoice_id = invoices.invoice_id
    inner join contracts
        on invoices.contract_id = contracts.contract_id

)

select * from final
