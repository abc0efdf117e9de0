{#-
    One row per contract implementation (docs/stages-and-kpis.md, implementation): activation,
    implementation plan with its planned go-live, milestones (software configured,
    training given, customer acceptance), devices installed, and whether the customer
    accepted on or before the planned go-live. Contracts enter when they have an
    implementation plan or a milestone recorded (captured contracts have neither).
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

plans as (

    select * from {{ ref('stg_operational__implementation_plans') }}

),

milestones as (

    select * from {{ ref('stg_operational__implementation_milestones') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

milestone_dates as (

    select
        contract_id,
        min(done_on) filter (where milestone = 'software_configured') as software_configured_on,
        min(done_on) filter (where milestone = 'training_given') as training_given_on,
        min(done_on) filter (where milestone = 'customer_acceptance') as accepted_on,
    from milestones
    group by contract_id

),

installs as (

    select
        contract_id,
        count(*) as devices_installed,
        min(installed_on) as first_install_on,
        max(installed_on) as last_install_on,
    from devices
    group by contract_id

),

implementations as (

    select contract_id from plans
    union
    select contract_id from milestone_dates

),

final as (

    select
        contracts.contract_number,
        contracts.account_code,
        contracts.opportunity_code,
        contracts.activated_on,
        plans.planned_on,
        plans.planned_go_live,
        milestone_dates.software_configured_on,
        milestone_dates.training_given_on,
        milestone_dates.accepted_on,
        cast(date_trunc('month', milestone_dates.accepted_on) as date) as accepted_month,
        cast(milestone_dates.accepted_on - contracts.activated_on as integer) as go_live_days,
        case
            when milestone_dates.accepted_on is not null and plans.planned_go_live is not null
                then milestone_dates.accepted_on <= plans.planned_go_live
        end as is_on_time,
        case
            when plans.planned_go_live is not null
                then cast(
                        coalesce(milestone_dates.accepted_on, as_of.as_of_date)
                        - plans.planned_go_live
                        as integer
                    )
        end as days_past_planned_go_live,
        cast(coalesce(installs.devices_installed, 0) as integer) as devices_installed,
        installs.first_install_on,
        installs.last_install_on,
        case
            when milestone_dates.accepted_on is not null then 'accepted'
            when plans.planned_go_live < as_of.as_of_date then 'late'
            else 'in_progress'
        end as status,
    from implementations
    inner join contracts
        on implementations.contract_id = contracts.contract_id
    cross join as_of
    left join plans
        on implementations.contract_id = plans.contract_id
    left join milestone_dates
        on implementations.contract_id = milestone_dates.contract_id
    left join installs
        on implementations.contract_id = installs.contract_id

)

select * from final
