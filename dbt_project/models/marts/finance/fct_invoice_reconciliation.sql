{#-
    Computed charge vs invoiced amount per contract × billing period
    (docs/billing.md, Reconciliation): invoiced = subtotals of the invoices
    for the contract and period, minus the subtotal part of their credit notes;
    difference = invoiced − expected. A side with nothing counts 0.00 so the difference is
    always defined; the status says which side is missing. The as-of month, while it has
    not ended, is reconciled only if something was already invoiced for it: its charge is
    provisional and cannot be "not invoiced" yet.
-#}

with

charges as (

    select * from {{ ref('int_billing_charges_computed') }}

),

invoices as (

    select * from {{ ref('int_invoices_netted') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

stamped_periods as (

    select * from {{ ref('int_contract_periods_stamped') }}

),

invoiced as (

    select
        contract_id,
        period_start,
        count(*) as invoice_count,
        sum(credit_note_count) as credit_note_count,
        string_agg(invoice_number, ', ' order by invoice_number) as invoice_numbers,
        min(issued_on) as first_issued_on,
        sum(subtotal) as invoice_subtotal,
        sum(credited_subtotal) as credited_subtotal,
        sum(net_subtotal) as invoiced_subtotal,
    from invoices
    group by contract_id, period_start

),

reconcilable_charges as (

    select charges.*
    from charges
    left join invoiced
        on charges.contract_id = invoiced.contract_id
        and charges.period_start = invoiced.period_start
    where charges.is_period_closed
        or invoiced.contract_id is not null

),

joined as (

    select
        coalesce(charges.contract_id, invoiced.contract_id) as contract_id,
        coalesce(charges.period_start, invoiced.period_start) as period_start,
        charges.contract_id is not null as has_charge,
        invoiced.contract_id is not null as has_invoice,
        cast(coalesce(charges.subtotal, 0) as decimal(18, 2)) as expected_subtotal,
        cast(coalesce(invoiced.invoiced_subtotal, 0) as decimal(18, 2)) as invoiced_subtotal,
        cast(coalesce(invoiced.invoice_subtotal, 0) as decimal(18, 2)) as invoice_subtotal,
        cast(coalesce(invoiced.credited_subtotal, 0) as decimal(18, 2)) as credited_subtotal,
        cast(coalesce(invoiced.invoice_count, 0) as integer) as invoice_count,
        cast(coalesce(invoiced.credit_note_count, 0) as integer) as credit_note_count,
        invoiced.invoice_numbers,
        invoiced.first_issued_on,
        charges.has_estimated_reads,
    from reconcilable_charges as charges
    full outer join invoiced
        on charges.contract_id = invoiced.contract_id
        and charges.period_start = invoiced.period_start

),

final as (

    select
        contracts.contract_number,
        contracts.account_code,
        joined.period_start,
        contracts.currency,
        joined.expected_subtotal,
        joined.invoiced_subtotal,
        cast(joined.invoiced_subtotal - joined.expected_subtotal as decimal(18, 2)) as difference,
        case
            when not joined.has_invoice then 'not_invoiced'
            when not joined.has_charge then 'invoice_without_charge'
            when joined.invoiced_subtotal - joined.expected_subtotal < -0.01 then 'under_billed'
            when joined.invoiced_subtotal - joined.expected_subtotal > 0.01 then 'over_billed'
            else 'matched'
        end as status,
        joined.has_charge,
        joined.has_invoice,
        joined.invoice_count,
        joined.invoice_numbers,
        joined.first_issued_on,
        joined.invoice_subtotal,
        joined.credit_note_count,
        joined.credited_subtotal,
        joined.has_estimated_reads,
        stamped_periods.cfdi_status,
    from joined
    inner join contracts
        on joined.contract_id = contracts.contract_id
    left join stamped_periods
        on joined.contract_id = stamped_periods.contract_id
        and joined.period_start = stamped_periods.period_start

)

select * from final
