{#-
    expiring_unattended: at month end, active contracts whose current term ends in the next
    var('expiring_window_days', 90) days with neither a renewal nor a performance review
    recorded for that term by then. A review counts for a term when dated within the 12
    months before its end. One record per contract expiring in the window; numerator 1
    when unattended.
-#}

{%- set window_days = var('expiring_window_days', 90) -%}

with

term_ends as (

    select * from {{ ref('int_contract_term_ends') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

reviews as (

    select * from {{ ref('stg_operational__contract_reviews') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

expiring as (

    select
        term_ends.contract_id,
        term_ends.contract_number,
        term_ends.account_code,
        term_ends.term_end_date,
        term_ends.renewed_on,
        months.month,
        months.measured_through,
        row_number() over (
            partition by term_ends.contract_id, months.month order by term_ends.term_end_date
        ) as next_end_rank,
    from term_ends
    inner join contracts
        on term_ends.contract_id = contracts.contract_id
    inner join months
        on term_ends.term_end_date > months.measured_through
        and term_ends.term_end_date <= months.measured_through + {{ window_days }}
        and contracts.billable_from <= months.measured_through
        and (contracts.closed_on is null or contracts.closed_on > months.measured_through)

),

reviewed as (

    select
        expiring.contract_id,
        expiring.month,
        max(reviews.review_on) as last_review_on,
    from expiring
    inner join reviews
        on expiring.contract_id = reviews.contract_id
        and expiring.measured_through >= reviews.review_on
        and expiring.term_end_date - interval 12 month <= reviews.review_on
    where expiring.next_end_rank = 1
    group by expiring.contract_id, expiring.month

),

attended as (

    select
        expiring.*,
        reviewed.last_review_on,
        expiring.renewed_on <= expiring.measured_through as is_renewal_recorded,
        reviewed.last_review_on is not null as is_reviewed,
    from expiring
    left join reviewed
        on expiring.contract_id = reviewed.contract_id
        and expiring.month = reviewed.month
    where expiring.next_end_rank = 1

),

final as (

    select
        {{ kpi_record(
            'expiring_unattended',
            'month',
            'contract',
            'contract_number',
            'measured_through',
            'account_code',
            'contract_number',
            'case when coalesce(is_renewal_recorded, false) or is_reviewed then 0 else 1 end',
            'null',
            "'ends ' || cast(term_end_date as varchar)"
            ~ " || case when coalesce(is_renewal_recorded, false) then ' · renewed '"
            ~ " || cast(renewed_on as varchar) when is_reviewed then ' · reviewed '"
            ~ " || cast(last_review_on as varchar) else ' · unattended' end"
        ) }}
    from attended

)

select * from final
