{#-
    billed_amount: subtotals of the invoices issued in the month, in MXN at the issue date's
    exchange rate (the nearest earlier rate when that day has none). One record per invoice.
    Credit notes are not netted (docs/stages-and-kpis.md: invoice subtotals).
-#}

with

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

converted as (

    select
        invoices.*,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from invoices
    {{ fx_asof_join('fx', 'invoices.currency', 'invoices.issued_on') }}

),

final as (

    select
        {{ kpi_record(
            'billed_amount',
            'months.month',
            'invoice',
            'converted.invoice_number',
            'converted.issued_on',
            'contracts.account_code',
            'contracts.contract_number',
            money_times('converted.subtotal', 'converted.fx_rate_to_mxn'),
            'null',
            "'period ' || strftime(converted.period_start, '%Y-%m') || ' · '"
            ~ " || converted.currency || ' ' || cast(converted.subtotal as varchar)"
        ) }}
    from converted
    inner join contracts
        on converted.contract_id = contracts.contract_id
    inner join months
        on date_trunc('month', converted.issued_on) = months.month

)

select * from final
