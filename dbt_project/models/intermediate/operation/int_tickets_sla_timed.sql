{#-
    Every ticket with its SLA clocks in business time (docs/stages-and-kpis.md, operation): first
    response and resolution measured from opening in business hours (int_business_calendar),
    minus the business time the ticket was paused waiting on the customer. Overlapping
    pauses are merged first so no minute is subtracted twice; a pause still open runs to
    the as-of moment. The SLA is the contract's sla_terms row in force on the opening date
    (the earliest one if the ticket predates them). A ticket not yet answered (or resolved)
    has missed its SLA once its running clock at the end of the as-of date exceeds the
    target; until then the outcome is pending (null).
-#}

with

tickets as (

    select * from {{ ref('stg_operational__tickets') }}

),

pauses as (

    select * from {{ ref('stg_operational__ticket_pauses') }}

),

sla_terms as (

    select * from {{ ref('stg_operational__sla_terms') }}

),

as_of as (

    select
        as_of_date,
        cast(as_of_date + 1 as timestamp) as as_of_moment,
    from {{ ref('int_as_of_date') }}

),

sla_ranked as (

    select
        tickets.ticket_id,
        sla_terms.sla_term_id,
        sla_terms.response_hours,
        sla_terms.resolution_hours,
        row_number() over (
            partition by tickets.ticket_id
            order by
                sla_terms.effective_from > cast(tickets.opened_at as date),
                case
                    when sla_terms.effective_from <= cast(tickets.opened_at as date)
                        then sla_terms.effective_from
                end desc nulls last,
                sla_terms.effective_from
        ) as sla_rank,
    from tickets
    inner join sla_terms
        on tickets.contract_id = sla_terms.contract_id

),

windows as (

    select
        tickets.ticket_id,
        tickets.opened_at,
        tickets.first_response_at,
        tickets.resolved_at,
        coalesce(tickets.first_response_at, as_of.as_of_moment) as response_clock_end,
        coalesce(tickets.resolved_at, as_of.as_of_moment) as resolution_clock_end,
        sla_ranked.sla_term_id,
        sla_ranked.response_hours as response_target_hours,
        sla_ranked.resolution_hours as resolution_target_hours,
    from tickets
    cross join as_of
    left join sla_ranked
        on tickets.ticket_id = sla_ranked.ticket_id
        and sla_ranked.sla_rank = 1

),

pauses_effective as (

    select
        pauses.ticket_id,
        pauses.paused_at,
        coalesce(pauses.resumed_at, as_of.as_of_moment) as resumed_at,
    from pauses
    cross join as_of
    where coalesce(pauses.resumed_at, as_of.as_of_moment) > pauses.paused_at

),

-- gaps and islands: a pause starting before an earlier one ended joins its island
pauses_sequenced as (

    select
        ticket_id,
        paused_at,
        resumed_at,
        max(resumed_at) over (
            partition by ticket_id
            order by paused_at, resumed_at
            rows between unbounded preceding and 1 preceding
        ) as earlier_resumed_at,
    from pauses_effective

),

pauses_flagged as (

    select
        ticket_id,
        paused_at,
        resumed_at,
        case when paused_at <= earlier_resumed_at then 0 else 1 end as starts_island,
    from pauses_sequenced

),

pauses_numbered as (

    select
        ticket_id,
        paused_at,
        resumed_at,
        sum(starts_island) over (
            partition by ticket_id
            order by paused_at, resumed_at
            rows between unbounded preceding and current row
        ) as island_number,
    from pauses_flagged

),

pauses_merged as (

    select
        ticket_id,
        island_number,
        min(paused_at) as paused_at,
        max(resumed_at) as resumed_at,
        count(*) as pause_records,
    from pauses_numbered
    group by ticket_id, island_number

),

pause_clocks as (

    select
        windows.ticket_id,
        cast(sum(pauses_merged.pause_records) as integer) as pause_count,
        sum(
            {{ business_seconds_between(
                'greatest(pauses_merged.paused_at, windows.opened_at)',
                'least(pauses_merged.resumed_at, windows.response_clock_end)'
            ) }}
        ) as response_paused_seconds,
        sum(
            {{ business_seconds_between(
                'greatest(pauses_merged.paused_at, windows.opened_at)',
                'least(pauses_merged.resumed_at, windows.resolution_clock_end)'
            ) }}
        ) as resolution_paused_seconds,
    from windows
    inner join pauses_merged
        on windows.ticket_id = pauses_merged.ticket_id
        and windows.resolution_clock_end > pauses_merged.paused_at
        and windows.opened_at < pauses_merged.resumed_at
    group by windows.ticket_id

),

clocks as (

    select
        windows.*,
        {{ business_seconds_between('windows.opened_at', 'windows.response_clock_end') }}
            as response_gross_seconds,
        {{ business_seconds_between('windows.opened_at', 'windows.resolution_clock_end') }}
            as resolution_gross_seconds,
        coalesce(pause_clocks.pause_count, 0) as pause_count,
        coalesce(pause_clocks.response_paused_seconds, 0) as response_paused_seconds,
        coalesce(pause_clocks.resolution_paused_seconds, 0) as resolution_paused_seconds,
    from windows
    left join pause_clocks
        on windows.ticket_id = pause_clocks.ticket_id

),

net as (

    select
        clocks.*,
        greatest(clocks.response_gross_seconds - clocks.response_paused_seconds, 0)
            as response_seconds,
        greatest(clocks.resolution_gross_seconds - clocks.resolution_paused_seconds, 0)
            as resolution_seconds,
    from clocks

),

final as (

    select
        ticket_id,
        sla_term_id,
        response_target_hours,
        resolution_target_hours,
        cast(pause_count as integer) as pause_count,
        -- clocks (business seconds, pauses excluded); running to the as-of moment when open
        cast(response_seconds as bigint) as response_business_seconds,
        cast(resolution_seconds as bigint) as resolution_business_seconds,
        cast(resolution_paused_seconds as bigint) as paused_business_seconds,
        {{ seconds_to_hours('response_seconds') }} as response_business_hours,
        {{ seconds_to_hours('resolution_seconds') }} as resolution_business_hours,
        {{ seconds_to_hours('resolution_paused_seconds') }} as paused_business_hours,
        first_response_at is not null as is_responded,
        resolved_at is not null as is_resolved,
        case
            when response_target_hours is null then null
            when first_response_at is not null
                then response_seconds <= response_target_hours * 3600
            when response_seconds > response_target_hours * 3600 then false
        end as is_response_met,
        case
            when resolution_target_hours is null then null
            when resolved_at is not null
                then resolution_seconds <= resolution_target_hours * 3600
            when resolution_seconds > resolution_target_hours * 3600 then false
        end as is_resolution_met,
    from net

)

select * from final
