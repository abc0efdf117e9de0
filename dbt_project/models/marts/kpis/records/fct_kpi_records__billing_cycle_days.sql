{#-
    billing_cycle_days: median days from a billing period's end to its first invoice's
    issue, over the contract-periods first invoiced in the month. One record per invoiced
    contract-period.
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
            'billing_cycle_days',
            'months.month',
            'contract_period',
            "reconciliation.contract_number || ' '"
            ~ " || strftime(reconciliation.period_start, '%Y-%m')",
            'reconciliation.first_issued_on',
            'reconciliation.account_code',
            'reconciliation.contract_number',
            'reconciliation.first_issued_on - last_day(reconciliation.period_start)',
            '1',
            "reconciliation.invoice_numbers"
        ) }}
    from reconciliation
    inner join months
        on date_trunc('month', reconciliation.first_issued_on) = months.month
    where reconciliation.has_invoice

)

select * from final
