{#-
    billing_accuracy: contract-periods whose invoice matches the computed charge
    (fct_invoice_reconciliation status `matched`, |difference| ≤ 0.01 after credit notes)
    ÷ contract-periods invoiced, in the month they were first invoiced. One record per
    invoiced contract-period (invoices without a charge count as not matching).
-#}

with

reconciliation as (

    select * from {{ ref('fct_invoice_reconciliation') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'billing_accuracy',
            'months.month',
            'contract_period',
            "reconciliation.contract_number || ' '"
            ~ " || strftime(reconciliation.period_start, '%Y-%m')",
            'reconciliation.first_issued_on',
            'reconciliation.account_code',
            'reconciliation.contract_number',
            "case when reconciliation.status = 'matched' then 1 else 0 end",
            '1',
            "reconciliation.status || ' · ' || reconciliation.invoice_numbers"
        ) }}
    from reconciliation
    inner join months
        on date_trunc('month', reconciliation.first_issued_on) = months.month
    where reconciliation.has_invoice

)

select * from final
