{#-
    preventive_compliance_rate: preventive visits done by their due date ÷ visits due in the
    month (visits due after the as-of date are not due yet).
-#}

with

visits as (

    select * from {{ ref('fct_maintenance_visits') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'preventive_compliance_rate', 'months.month', 'maintenance_visit', 'visits.visit_code',
            'visits.due_on', 'visits.account_code', 'visits.contract_number',
            'case when visits.is_done_on_time then 1 else 0 end', '1',
            "visits.status || ' · device ' || visits.serial"
        ) }}
    from visits
    inner join months
        on visits.due_month = months.month
    where visits.is_due

)

select * from final
