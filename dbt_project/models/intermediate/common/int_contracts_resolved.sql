{#-
    One row per contract with its term as it stands: end date extended by renewals,
    closure date from the contract or its closure record, and the billable span
    (docs/billing.md, Periods and plans: from activation, or start when no
    activation is recorded, through the end or closure date, inclusive).
-#}

with

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

opportunities as (

    select * from {{ ref('stg_operational__opportunities') }}

),

renewals as (

    select
        contract_id,
        count(*) as renewal_count,
        max(new_end_date) as renewed_end_date,
        max(renewed_on) as last_renewed_on,
    from {{ ref('stg_operational__renewals') }}
    group by contract_id

),

closures as (

    select * from {{ ref('stg_operational__closures') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

resolved as (

    select
        contracts.contract_id,
        contracts.contract_number,
        contracts.account_id,
        accounts.account_code,
        accounts.tax_rate,
        contracts.opportunity_id,
        opportunities.opportunity_code,
        contracts.currency,
        contracts.payment_terms_days,
        contracts.billing_day,
        contracts.start_date,
        contracts.end_date as original_end_date,
        greatest(contracts.end_date, renewals.renewed_end_date) as end_date,
        contracts.activated_on,
        -- the contract's own closed_on, or its closure record; the earlier if both differ
        least(contracts.closed_on, closures.closed_on) as closed_on,
        closures.reason as closure_reason,
        cast(coalesce(renewals.renewal_count, 0) as integer) as renewal_count,
        renewals.last_renewed_on,
        coalesce(contracts.activated_on, contracts.start_date) as billable_from,
        least(
            greatest(contracts.end_date, renewals.renewed_end_date),
            contracts.closed_on,
            closures.closed_on
        ) as billable_through,
        as_of.as_of_date,
    from contracts
    inner join as_of on true
    left join accounts
        on contracts.account_id = accounts.account_id
    left join opportunities
        on contracts.opportunity_id = opportunities.opportunity_id
    left join renewals
        on contracts.contract_id = renewals.contract_id
    left join closures
        on contracts.contract_id = closures.contract_id

),

final as (

    select
        contract_id,
        contract_number,
        account_id,
        account_code,
        tax_rate,
        opportunity_id,
        opportunity_code,
        currency,
        payment_terms_days,
        billing_day,
        start_date,
        original_end_date,
        end_date,
        activated_on,
        closed_on,
        closure_reason,
        renewal_count,
        last_renewed_on,
        billable_from,
        billable_through,
        case
            when closed_on <= as_of_date then 'closed'
            when end_date < as_of_date then 'expired'
            when billable_from <= as_of_date then 'active'
            else 'pending'
        end as status,
        as_of_date,
    from resolved

)

select * from final
