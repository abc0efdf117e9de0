{#-
    first_time_fix_rate: corrective tickets resolved in the month on the first visit ÷
    corrective tickets resolved in the month (those with first_time_fix recorded).
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
            'first_time_fix_rate', 'months.month', 'ticket', 'tickets.ticket_number',
            'tickets.resolved_at', 'tickets.account_code', 'tickets.contract_number',
            'case when tickets.first_time_fix then 1 else 0 end', '1',
            "tickets.priority || coalesce(' · device ' || tickets.serial, '')"
        ) }}
    from tickets
    inner join months
        on tickets.resolved_month = months.month
    where tickets.ticket_type = 'corrective'
        and tickets.first_time_fix is not null

)

select * from final
