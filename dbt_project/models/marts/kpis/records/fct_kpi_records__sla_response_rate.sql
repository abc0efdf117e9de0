{#-
    sla_response_rate: tickets opened in the month whose first response met the
    contract's SLA (business hours, pauses excluded: fct_tickets) ÷ tickets opened in the
    month. Tickets still pending (not answered and still within the SLA) and
    tickets with no SLA terms are left out until their outcome is known.
-#}

with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'sla_response_rate',
            'months.month',
            'ticket',
            'tickets.ticket_number',
            'tickets.opened_at',
            'tickets.account_code',
            'tickets.contract_number',
            'case when tickets.is_response_met then 1 else 0 end',
            '1',
            "tickets.ticket_type || ' · '"
            ~ " || cast(tickets.response_business_hours as varchar) || ' h of '"
            ~ " || cast(tickets.response_target_hours as varchar)"
        ) }}
    from tickets
    inner join months
        on tickets.opened_month = months.month
    where tickets.is_response_met is not null

)

select * from final
