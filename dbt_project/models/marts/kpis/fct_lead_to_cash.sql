{#-
    Lead to cash, one row per won opportunity (docs/stages-and-kpis.md: "the lead-to-cash view
    follows cohorts from opportunity to collected cash"): the won month is the cohort;
    then the contract's activation, the customer's acceptance (go-live), the first invoice
    and the first cash received against the contract's invoices, with the days from winning
    to each, and the amounts along the way in MXN (estimate, proposal price, invoiced
    totals, collected). Cash is payment applications to the contract's invoices, excluding
    reversed payments, at the payment date's exchange rate.
-#}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}
    where is_won

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

implementations as (

    select * from {{ ref('fct_implementations') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

applications as (

    select * from {{ ref('stg_operational__payment_applications') }}

),

payments as (

    select * from {{ ref('stg_operational__payments') }}

),

reversals as (

    select * from {{ ref('stg_operational__payment_reversals') }}

),

invoices_converted as (

    select
        invoices.*,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from invoices
    {{ fx_asof_join('fx', 'invoices.currency', 'invoices.issued_on') }}

),

invoiced as (

    select
        contract_id,
        min(issued_on) as first_invoice_on,
        count(*) as invoice_count,
        sum({{ money_times('total', 'fx_rate_to_mxn') }}) as invoiced_total_mxn,
    from invoices_converted
    group by contract_id

),

cash as (

    select
        invoices.contract_id,
        invoices.currency,
        payments.received_on,
        applications.amount,
    from applications
    inner join payments
        on applications.payment_id = payments.payment_id
    inner join invoices
        on applications.invoice_id = invoices.invoice_id
    left join reversals
        on payments.payment_id = reversals.payment_id
    where reversals.payment_id is null

),

cash_converted as (

    select
        cash.*,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from cash
    {{ fx_asof_join('fx', 'cash.currency', 'cash.received_on') }}

),

collected as (

    select
        contract_id,
        min(received_on) as first_cash_on,
        sum({{ money_times('amount', 'fx_rate_to_mxn') }}) as collected_mxn,
    from cash_converted
    group by contract_id

),

joined as (

    select
        opportunities.opportunity_code,
        opportunities.account_code,
        opportunities.segment,
        opportunities.source,
        opportunities.owner,
        opportunities.created_on,
        opportunities.won_on,
        cast(date_trunc('month', opportunities.won_on) as date) as cohort_month,
        opportunities.contract_number,
        contracts.activated_on,
        implementations.accepted_on,
        invoiced.first_invoice_on,
        collected.first_cash_on,
        opportunities.estimated_amount_mxn,
        opportunities.proposal_price_mxn,
        cast(coalesce(invoiced.invoice_count, 0) as integer) as invoice_count,
        cast(coalesce(invoiced.invoiced_total_mxn, 0) as decimal(18, 2)) as invoiced_total_mxn,
        cast(coalesce(collected.collected_mxn, 0) as decimal(18, 2)) as collected_mxn,
    from opportunities
    left join contracts
        on opportunities.contract_number = contracts.contract_number
    left join implementations
        on opportunities.contract_number = implementations.contract_number
    left join invoiced
        on contracts.contract_id = invoiced.contract_id
    left join collected
        on contracts.contract_id = collected.contract_id

),

final as (

    select
        opportunity_code,
        account_code,
        segment,
        source,
        owner,
        created_on,
        won_on,
        cohort_month,
        contract_number,
        activated_on,
        accepted_on,
        first_invoice_on,
        first_cash_on,
        cast(activated_on - won_on as integer) as days_to_activation,
        cast(accepted_on - won_on as integer) as days_to_go_live,
        cast(first_invoice_on - won_on as integer) as days_to_first_invoice,
        cast(first_cash_on - won_on as integer) as days_to_first_cash,
        case
            when first_cash_on is not null then 'collected'
            when first_invoice_on is not null then 'invoiced'
            when accepted_on is not null then 'live'
            when activated_on is not null then 'activated'
            else 'won'
        end as furthest_step,
        estimated_amount_mxn,
        proposal_price_mxn,
        invoice_count,
        invoiced_total_mxn,
        collected_mxn,
    from joined

)

select * from final
