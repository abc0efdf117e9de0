{#-
    Invoices as receivables, one row per invoice issued up to the build's as-of date: the
    base of the aging (marts.ar_aging and fct_ar_aging_monthly). Facts that do not depend on
    the as-of date only; what is open as of a date comes from the aging.
-#}

with

documents as (

    select * from {{ ref('int_ar_documents') }}

),

final as (

    select
        invoice_number,
        account_code,
        account_name,
        contract_number,
        currency,
        period_start,
        issued_on,
        stated_due_on,
        payment_terms_days,
        due_on,
        due_on_source,
        subtotal,
        tax_amount,
        total,
        fx_rate_date,
        fx_rate_to_mxn,
        total_mxn,
        cancelled_on,
    from documents

)

select * from final
