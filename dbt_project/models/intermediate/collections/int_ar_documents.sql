{#-
    Invoices as receivables (docs/collections.md, Aging as of a date D): one row per invoice issued
    on or before the build's as-of date, with its account, its due date — the stated due
    date, else the issue date plus the contract's payment terms — and the exchange rate to
    MXN of its issue date or the nearest earlier rate date (MXN: 1).
-#}

with

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

issued as (

    select invoices.*
    from invoices
    where invoices.issued_on <= {{ as_of_date() }}

),

joined as (

    select
        issued.invoice_id,
        issued.invoice_number,
        issued.contract_id,
        contracts.contract_number,
        contracts.account_id,
        accounts.account_code,
        accounts.name as account_name,
        issued.currency,
        issued.period_start,
        issued.issued_on,
        issued.due_on as stated_due_on,
        contracts.payment_terms_days,
        coalesce(issued.due_on, issued.issued_on + contracts.payment_terms_days) as due_on,
        case when issued.due_on is null then 'payment_terms' else 'stated' end as due_on_source,
        issued.subtotal,
        issued.tax_amount,
        issued.total,
        stamped.cancelled_on,
    from issued
    left join stamped
        on issued.invoice_id = stamped.invoice_id
    left join contracts
        on issued.contract_id = contracts.contract_id
    left join accounts
        on contracts.account_id = accounts.account_id

),

converted as (

    select
        joined.*,
        {{ fx_rate_date('fx', 'joined.issued_on') }} as fx_rate_date,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from joined
    {{ fx_asof_join('fx', 'joined.currency', 'joined.issued_on') }}

),

final as (

    select
        invoice_id,
        invoice_number,
        contract_id,
        contract_number,
        account_id,
        account_code,
        account_name,
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
        {{ money_times('total', 'fx_rate_to_mxn') }} as total_mxn,
        cancelled_on,
    from converted

)

select * from final
