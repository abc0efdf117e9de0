{#-
    The life of every contract after formalization as events (docs/stages-and-kpis.md, renewal):
    activation, performance reviews, renewals, amendments (expansion: devices added;
    contraction: devices removed; price changes), closures, and each term's end with its
    outcome (renewed, closed, expired, pending: int_contract_term_ends). One row per event.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

term_ends as (

    select * from {{ ref('int_contract_term_ends') }}

),

reviews as (

    select * from {{ ref('stg_operational__contract_reviews') }}

),

renewals as (

    select * from {{ ref('stg_operational__renewals') }}

),

amendments as (

    select * from {{ ref('stg_operational__amendments') }}

),

closures as (

    select * from {{ ref('stg_operational__closures') }}

),

events as (

    select
        contract_id,
        'activation:' || contract_number as event_key,
        'activation' as event_type,
        activated_on as event_date,
        cast(null as date) as term_end_date,
        cast(null as date) as new_end_date,
        cast(null as varchar) as outcome,
        cast(null as varchar) as detail,
        cast(null as integer) as devices_delta,
    from contracts
    where activated_on is not null

    union all

    select
        contract_id,
        'review:' || cast(contract_review_id as varchar) as event_key,
        'review' as event_type,
        review_on as event_date,
        null as term_end_date,
        null as new_end_date,
        outcome,
        notes as detail,
        null as devices_delta,
    from reviews

    union all

    select
        contract_id,
        'renewal:' || cast(renewal_id as varchar) as event_key,
        'renewal' as event_type,
        renewed_on as event_date,
        previous_end_date as term_end_date,
        new_end_date,
        'renewed' as outcome,
        null as detail,
        null as devices_delta,
    from renewals

    union all

    select
        contract_id,
        'amendment:' || amendment_number as event_key,
        case amendment_type
            when 'devices_added' then 'expansion'
            when 'devices_removed' then 'contraction'
            else 'price_change'
        end as event_type,
        amended_on as event_date,
        null as term_end_date,
        null as new_end_date,
        amendment_type as outcome,
        description as detail,
        devices_delta,
    from amendments

    union all

    select
        contract_id,
        'closure:' || cast(closure_id as varchar) as event_key,
        'closure' as event_type,
        closed_on as event_date,
        null as term_end_date,
        null as new_end_date,
        'closed' as outcome,
        reason as detail,
        -devices_retrieved as devices_delta,
    from closures

    union all

    select
        contract_id,
        'term_end:' || contract_number || ':' || cast(term_number as varchar) as event_key,
        'term_end' as event_type,
        ended_on as event_date,
        term_end_date,
        new_end_date,
        outcome,
        closure_reason as detail,
        null as devices_delta,
    from term_ends

),

final as (

    select
        events.event_key,
        contracts.contract_number,
        contracts.account_code,
        cast(events.event_type as varchar) as event_type,
        events.event_date,
        cast(date_trunc('month', events.event_date) as date) as event_month,
        events.term_end_date,
        events.new_end_date,
        cast(events.outcome as varchar) as outcome,
        cast(events.detail as varchar) as detail,
        cast(events.devices_delta as integer) as devices_delta,
    from events
    inner join contracts
        on events.contract_id = contracts.contract_id

)

select * from final
