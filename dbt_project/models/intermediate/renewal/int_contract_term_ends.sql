{#-
    One row per contract term end (docs/stages-and-kpis.md, renewal): every end date a renewal
    extended (its previous_end_date) and the contract's current end date. A term closed
    before its end (a closure on or before the end date, no renewal) ends on the closure
    date instead; terms after a closure never happen. Outcome: renewed (a renewal extended
    this end, whenever recorded), closed, expired (ended, neither renewed nor closed) or
    pending (not ended by the as-of date). Contracts never billable are left out.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

renewals as (

    select * from {{ ref('stg_operational__renewals') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

renewals_ranked as (

    select
        renewals.*,
        row_number() over (
            partition by renewals.contract_id, renewals.previous_end_date
            order by renewals.renewed_on, renewals.renewal_id
        ) as renewal_rank,
    from renewals

),

term_end_dates as (

    select contract_id, previous_end_date as term_end_date from renewals
    union
    select contract_id, end_date from contracts

),

sequenced as (

    select
        term_end_dates.contract_id,
        term_end_dates.term_end_date,
        lag(term_end_dates.term_end_date) over (
            partition by term_end_dates.contract_id order by term_end_dates.term_end_date
        ) as previous_term_end_date,
        cast(row_number() over (
            partition by term_end_dates.contract_id order by term_end_dates.term_end_date
        ) as integer) as term_number,
    from term_end_dates

),

resolved as (

    select
        sequenced.*,
        contracts.contract_number,
        contracts.account_code,
        contracts.billable_from,
        contracts.closed_on,
        contracts.closure_reason,
        renewals_ranked.renewal_id,
        renewals_ranked.renewed_on,
        renewals_ranked.new_end_date,
        (
            renewals_ranked.renewal_id is null
            and contracts.closed_on <= sequenced.term_end_date
            and (
                sequenced.previous_term_end_date is null
                or contracts.closed_on > sequenced.previous_term_end_date
            )
        ) as is_closed_in_term,
        contracts.closed_on <= sequenced.previous_term_end_date as is_after_closure,
        as_of.as_of_date,
    from sequenced
    inner join contracts
        on sequenced.contract_id = contracts.contract_id
    cross join as_of
    left join renewals_ranked
        on sequenced.contract_id = renewals_ranked.contract_id
        and sequenced.term_end_date = renewals_ranked.previous_end_date
        and renewals_ranked.renewal_rank = 1

),

final as (

    select
        contract_id,
        contract_number,
        account_code,
        term_number,
        previous_term_end_date,
        term_end_date,
        case when is_closed_in_term then closed_on else term_end_date end as ended_on,
        renewal_id is not null as is_renewed,
        renewed_on,
        new_end_date,
        coalesce(is_closed_in_term, false) as is_closed,
        case when is_closed_in_term then closure_reason end as closure_reason,
        case
            when renewal_id is not null then 'renewed'
            when is_closed_in_term then 'closed'
            when term_end_date <= as_of_date then 'expired'
            else 'pending'
        end as outcome,
        (case when is_closed_in_term then closed_on else term_end_date end) <= as_of_date
            as has_ended,
    from resolved
    where not coalesce(is_after_closure, false)
        and billable_from <= term_end_date

)

select * from final
