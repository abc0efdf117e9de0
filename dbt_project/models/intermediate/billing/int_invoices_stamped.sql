{#-
    Each invoice's CFDI as of the as-of date (docs/cfdi.md, "What finance then sees"): its
    live stamped CFDI (the latest not cancelled), whether that CFDI's amounts are the
    invoice's, and the date from which the invoice is cancelled — when every CFDI stamped
    for it is cancelled (a re-stamp of the same invoice substituting the first, TipoRelacion
    04, keeps it alive). cancelled_on is the SAT's date, whatever the as-of date: the aging
    uses it for any day; cfdi_status only counts cancellations and stamps dated up to the
    as-of date.
-#}

with

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

documents as (

    select * from {{ ref('stg_operational__cfdi_documents') }}
    where cfdi_type = 'I'

),

cancellations as (

    select * from {{ ref('stg_operational__cfdi_cancellations') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

stamped as (

    select
        documents.invoice_id,
        documents.uuid,
        documents.stamped_at,
        documents.payment_method,
        documents.subtotal,
        documents.total,
        cancellations.cancelled_on,
        cast(documents.stamped_at as date) <= as_of.as_of_date as is_stamped_as_of,
        coalesce(cancellations.cancelled_on <= as_of.as_of_date, false) as is_cancelled_as_of,
    from documents
    cross join as_of
    left join cancellations
        on documents.uuid = cancellations.uuid
    where documents.invoice_id is not null

),

per_invoice as (

    select
        invoice_id,
        count(*) as cfdi_count,
        bool_and(cancelled_on is not null) as is_every_cfdi_cancelled,
        max(cancelled_on) as last_cancelled_on,
        count(*) filter (where is_stamped_as_of and not is_cancelled_as_of) as live_count,
        count(*) filter (where is_stamped_as_of and is_cancelled_as_of) as cancelled_count,
        arg_max(uuid, stamped_at) filter (
            where is_stamped_as_of and not is_cancelled_as_of
        ) as live_uuid,
        arg_max(stamped_at, stamped_at) filter (
            where is_stamped_as_of and not is_cancelled_as_of
        ) as live_stamped_at,
        arg_max(payment_method, stamped_at) filter (
            where is_stamped_as_of and not is_cancelled_as_of
        ) as live_payment_method,
        arg_max(subtotal, stamped_at) filter (
            where is_stamped_as_of and not is_cancelled_as_of
        ) as live_subtotal,
        arg_max(total, stamped_at) filter (
            where is_stamped_as_of and not is_cancelled_as_of
        ) as live_total,
    from stamped
    group by invoice_id

),

final as (

    select
        invoices.invoice_id,
        invoices.invoice_number,
        invoices.contract_id,
        cast(date_trunc('month', invoices.period_start) as date) as period_start,
        per_invoice.live_uuid as cfdi_uuid,
        per_invoice.live_stamped_at as cfdi_stamped_at,
        per_invoice.live_payment_method as cfdi_payment_method,
        case
            when per_invoice.is_every_cfdi_cancelled then per_invoice.last_cancelled_on
        end as cancelled_on,
        cast(
            case
                when coalesce(per_invoice.live_count, 0) = 0
                    and coalesce(per_invoice.cancelled_count, 0) > 0 then 'cancelled'
                when coalesce(per_invoice.live_count, 0) = 0 then 'not_stamped'
                when per_invoice.live_subtotal != invoices.subtotal
                    or per_invoice.live_total != invoices.total then 'amounts_differ'
                else 'stamped'
            end as varchar
        ) as cfdi_status,
    from invoices
    left join per_invoice
        on invoices.invoice_id = per_invoice.invoice_id

)

select * from final
