{#-
    Invoices issued up to the as-of date for billing periods up to the as-of month, each
    net of the subtotal part of its credit notes issued up to the as-of date
    (docs/billing.md, Reconciliation). The period is the invoice's
    period_start month. An invoice whose CFDI is cancelled by the as-of date is left out
    (docs/cfdi.md): its period is not invoiced unless a substitute invoices it.
-#}

with

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_operational__credit_notes') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

stamped as (

    select * from {{ ref('int_invoices_stamped') }}

),

credits as (

    select
        credit_notes.invoice_id,
        count(*) as credit_note_count,
        sum(credit_notes.subtotal) as credited_subtotal,
    from credit_notes
    inner join as_of
        on credit_notes.issued_on <= as_of.as_of_date
    group by credit_notes.invoice_id

),

final as (

    select
        invoices.invoice_id,
        invoices.invoice_number,
        invoices.contract_id,
        cast(date_trunc('month', invoices.period_start) as date) as period_start,
        invoices.issued_on,
        invoices.currency,
        invoices.subtotal,
        coalesce(credits.credit_note_count, 0) as credit_note_count,
        cast(coalesce(credits.credited_subtotal, 0) as decimal(18, 2)) as credited_subtotal,
        cast(
            invoices.subtotal - coalesce(credits.credited_subtotal, 0) as decimal(18, 2)
        ) as net_subtotal,
    from invoices
    inner join as_of
        on invoices.issued_on <= as_of.as_of_date
        and invoices.period_start <= as_of.as_of_month_end
    left join credits
        on invoices.invoice_id = credits.invoice_id
    left join stamped
        on invoices.invoice_id = stamped.invoice_id
    where stamped.cancelled_on is null
        or stamped.cancelled_on > as_of.as_of_date

)

select * from final
