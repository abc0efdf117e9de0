{#-
    payment_receipt_on_time_rate (docs/cfdi.md, docs/kpis.md): payments received in the
    month and applied to PPD invoices whose CFDI de pago was stamped by the 5th day of the
    month after the payment ÷ those payments. A PPD invoice is one whose live CFDI says
    MetodoPago PPD or, not stamped yet, whose contract gives payment terms (what the export
    writes). Reversed payments and cancelled receipts do not count.
-#}

with

payments as (

    select * from {{ ref('stg_operational__payments') }}

),

applications as (

    select * from {{ ref('stg_operational__payment_applications') }}

),

reversals as (

    select * from {{ ref('stg_operational__payment_reversals') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

stamped as (

    select * from {{ ref('int_invoices_stamped') }}

),

receipts as (

    select * from {{ ref('stg_operational__cfdi_payments') }}

),

documents as (

    select * from {{ ref('stg_operational__cfdi_documents') }}

),

cancellations as (

    select * from {{ ref('stg_operational__cfdi_cancellations') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

ppd_payments as (

    select
        payments.payment_id,
        payments.payment_number,
        payments.received_on,
        min(contracts.contract_number) as contract_number,
        min(accounts.account_code) as account_code,
    from payments
    inner join applications
        on payments.payment_id = applications.payment_id
    inner join invoices
        on applications.invoice_id = invoices.invoice_id
    inner join contracts
        on invoices.contract_id = contracts.contract_id
    inner join accounts
        on contracts.account_id = accounts.account_id
    left join stamped
        on invoices.invoice_id = stamped.invoice_id
    left join reversals
        on payments.payment_id = reversals.payment_id
    where reversals.payment_id is null
        and coalesce(
            stamped.cfdi_payment_method,
            case when contracts.payment_terms_days > 0 then 'PPD' else 'PUE' end
        ) = 'PPD'
    group by payments.payment_id, payments.payment_number, payments.received_on

),

first_receipts as (

    select
        receipts.payment_id,
        min(documents.stamped_at) as receipt_stamped_at,
    from receipts
    inner join documents
        on receipts.cfdi_document_id = documents.cfdi_document_id
    left join cancellations
        on documents.uuid = cancellations.uuid
    where cancellations.uuid is null
    group by receipts.payment_id

),

measured as (

    select
        ppd_payments.*,
        first_receipts.receipt_stamped_at,
        -- by the 5th: before the 6th of the month after the payment
        cast(date_trunc('month', ppd_payments.received_on) as date)
        + interval 1 month + interval 5 day as deadline,
        coalesce(
            first_receipts.receipt_stamped_at
            < cast(date_trunc('month', ppd_payments.received_on) as date)
            + interval 1 month + interval 5 day,
            false
        ) as is_on_time,
    from ppd_payments
    left join first_receipts
        on ppd_payments.payment_id = first_receipts.payment_id

),

final as (

    select
        {{ kpi_record(
            'payment_receipt_on_time_rate',
            'months.month',
            'payment',
            'measured.payment_number',
            'measured.received_on',
            'measured.account_code',
            'measured.contract_number',
            'case when measured.is_on_time then 1 else 0 end',
            '1',
            "case when measured.receipt_stamped_at is null then 'sin CFDI de pago'"
            ~ " else 'CFDI de pago ' || strftime(measured.receipt_stamped_at, '%Y-%m-%d') end"
        ) }}
    from measured
    inner join months
        on date_trunc('month', measured.received_on) = months.month

)

select * from final
