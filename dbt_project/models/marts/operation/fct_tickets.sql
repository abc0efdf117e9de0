{#-
    One row per service ticket with its SLA clocks in business hours (pauses excluded) and
    whether first response and resolution met the contract's SLA
    (int_tickets_sla_timed; docs/stages-and-kpis.md, operation).
-#}

with

tickets as (

    select * from {{ ref('stg_operational__tickets') }}

),

timed as (

    select * from {{ ref('int_tickets_sla_timed') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

final as (

    select
        tickets.ticket_number,
        contracts.contract_number,
        contracts.account_code,
        devices.serial,
        tickets.ticket_type,
        tickets.priority,
        tickets.opened_at,
        tickets.first_response_at,
        tickets.resolved_at,
        tickets.closed_at,
        cast(date_trunc('month', tickets.opened_at) as date) as opened_month,
        cast(date_trunc('month', tickets.resolved_at) as date) as resolved_month,
        tickets.first_time_fix,
        case
            when tickets.closed_at is not null then 'closed'
            when tickets.resolved_at is not null then 'resolved'
            when tickets.first_response_at is not null then 'in_progress'
            else 'open'
        end as status,
        timed.response_target_hours,
        timed.resolution_target_hours,
        timed.pause_count,
        timed.response_business_hours,
        timed.resolution_business_hours,
        timed.paused_business_hours,
        timed.is_response_met,
        timed.is_resolution_met,
    from tickets
    inner join timed
        on tickets.ticket_id = timed.ticket_id
    inner join contracts
        on tickets.contract_id = contracts.contract_id
    left join devices
        on tickets.device_id = devices.device_id

)

select * from final
