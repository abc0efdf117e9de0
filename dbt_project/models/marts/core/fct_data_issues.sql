{#-
    Gaps in the reference data, listed instead of failing the build (docs/data-issues.md).
    A missing exchange rate or price plan is a fact about the data that finance fixes in the
    operational app; until then the records it concerns carry a null MXN amount (or no
    charge) and everything else publishes. One row per issue and record: invoices and
    payments one by one, contracts and charges one row per contract with the first and last
    day (or period) concerned. A broken identity of the product's own arithmetic (total ≠
    subtotal + tax) is not listed here: that still fails the build (data tests).
-#}

with

documents as (

    select * from {{ ref('int_ar_documents') }}

),

payments as (

    select * from {{ ref('int_ar_payments') }}

),

contract_months as (

    select * from {{ ref('int_contract_mrr_monthly') }}

),

charges as (

    select * from {{ ref('fct_billing_charges') }}

),

billing_periods as (

    select * from {{ ref('int_billing_periods') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

invoice_rates as (

    select
        'missing_fx_rate' as issue_type,
        'invoice' as record_type,
        invoice_number as record_key,
        contract_number,
        account_code,
        currency,
        issued_on as first_on,
        issued_on as last_on,
        1 as occurrences,
        'fct_ar_documents, fct_ar_aging, fct_collections_monthly, kpi_monthly' as affects,
    from documents
    where fx_rate_to_mxn is null

),

payment_rates as (

    select
        'missing_fx_rate' as issue_type,
        'payment' as record_type,
        payment_number as record_key,
        cast(null as varchar) as contract_number,
        account_code,
        currency,
        received_on as first_on,
        received_on as last_on,
        1 as occurrences,
        'fct_ar_payments, fct_unapplied_payments, kpi_monthly' as affects,
    from payments
    where fx_rate_to_mxn is null

),

mrr_rates as (

    select
        'missing_fx_rate' as issue_type,
        'contract' as record_type,
        contract_number as record_key,
        contract_number,
        any_value(account_code) as account_code,
        any_value(currency) as currency,
        min(measured_through) as first_on,
        max(measured_through) as last_on,
        count(*) as occurrences,
        'fct_account_mrr, kpi_monthly (grr_pct, nrr_pct)' as affects,
    from contract_months
    where fx_rate_to_mxn is null
    group by contract_number

),

charge_rates as (

    select
        'missing_fx_rate' as issue_type,
        'charge' as record_type,
        contract_number as record_key,
        contract_number,
        any_value(account_code) as account_code,
        any_value(currency) as currency,
        min(period_start) as first_on,
        max(period_start) as last_on,
        count(*) as occurrences,
        'fct_billing_charges (MXN columns)' as affects,
    from charges
    where fx_rate_to_mxn is null
    group by contract_number

),

missing_plans as (

    select
        'missing_plan' as issue_type,
        'contract' as record_type,
        contracts.contract_number as record_key,
        contracts.contract_number,
        contracts.account_code,
        contracts.currency,
        min(billing_periods.period_start) as first_on,
        max(billing_periods.period_start) as last_on,
        count(*) as occurrences,
        'fct_billing_charges, fct_invoice_reconciliation' as affects,
    from billing_periods
    inner join contracts
        on billing_periods.contract_id = contracts.contract_id
    where billing_periods.price_plan_id is null
    group by contracts.contract_number, contracts.account_code, contracts.currency

),

unioned as (

    select * from invoice_rates
    union all
    select * from payment_rates
    union all
    select * from mrr_rates
    union all
    select * from charge_rates
    union all
    select * from missing_plans

),

final as (

    select
        issue_type,
        record_type,
        record_key,
        contract_number,
        account_code,
        currency,
        first_on,
        last_on,
        cast(occurrences as integer) as occurrences,
        affects,
    from unioned

)

select * from final
