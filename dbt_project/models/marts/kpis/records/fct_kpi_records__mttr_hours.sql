{#-
    mttr_hours: mean business hours (pauses excluded) from opening to resolution of the
    corrective tickets resolved in the month. One record per such ticket.
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
            'mttr_hours', 'months.month', 'ticket', 'tickets.ticket_number',
            'tickets.resolved_at', 'tickets.account_code', 'tickets.contract_number',
            'tickets.resolution_business_hours', '1',
            "tickets.priority || coalesce(' · device ' || tickets.serial, '')"
        ) }}
    from tickets
    inner join months
        on tickets.resolved_month = months.month
    where tickets.ticket_type = 'corrective'

)

select * from final
