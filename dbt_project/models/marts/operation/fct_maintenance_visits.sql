{#-
    One row per preventive maintenance visit: due date, done date and whether it was done
    by its due date (docs/stages-and-kpis.md, preventive_compliance_rate). A visit due on or before
    the as-of date and not done is `missed`; one due later is `scheduled`.
-#}

with

visits as (

    select * from {{ ref('stg_operational__maintenance_visits') }}

),

plans as (

    select * from {{ ref('stg_operational__maintenance_plans') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        visits.visit_code,
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        plans.interval_months,
        visits.due_on,
        visits.done_on,
        cast(date_trunc('month', visits.due_on) as date) as due_month,
        visits.done_on is not null as is_done,
        coalesce(visits.done_on <= visits.due_on, false) as is_done_on_time,
        visits.due_on <= as_of.as_of_date as is_due,
        case
            when visits.done_on > visits.due_on then cast(visits.done_on - visits.due_on as integer)
        end as days_late,
        case
            when visits.done_on is not null and visits.done_on <= visits.due_on then 'on_time'
            when visits.done_on is not null then 'late'
            when visits.due_on <= as_of.as_of_date then 'missed'
            else 'scheduled'
        end as status,
    from visits
    cross join as_of
    inner join devices
        on visits.device_id = devices.device_id
    inner join contracts
        on devices.contract_id = contracts.contract_id
    left join plans
        on visits.device_id = plans.device_id

)

select * from final
