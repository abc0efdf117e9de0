{#-
    Device × calendar month in which the device was active: from its install date through
    its removal, or its contract's end or closure, up to the as-of month. Devices count for
    the days they were active (docs/billing.md, Usage from meter readings).
    Months before the contract becomes billable are kept (usage is measured from the
    install reading) but only billable months are charged.
-#}

with

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

device_spans as (

    select
        devices.device_id,
        devices.contract_id,
        devices.installed_on,
        least(devices.removed_on, contracts.billable_through) as active_through,
        as_of.as_of_month_start,
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id
    inner join as_of
        on devices.installed_on <= as_of.as_of_month_end

),

periods as (

    select
        device_id,
        contract_id,
        installed_on,
        active_through,
        cast({{ month_series(
            "date_trunc('month', installed_on)",
            "least(date_trunc('month', coalesce(active_through, as_of_month_start)), as_of_month_start)"
        ) }} as date) as period_start,
    from device_spans
    where coalesce(active_through, installed_on) >= installed_on

),

final as (

    select
        device_id,
        contract_id,
        period_start,
        last_day(period_start) as period_end,
        cast(day(last_day(period_start)) as integer) as days_in_month,
        greatest(installed_on, period_start) as active_from,
        least(
            coalesce(active_through, last_day(period_start)), last_day(period_start)
        ) as active_to,
        cast(
            least(coalesce(active_through, last_day(period_start)), last_day(period_start))
            - greatest(installed_on, period_start) + 1
            as integer
        ) as active_days,
        row_number() over (partition by device_id order by period_start) as device_period_number,
    from periods

)

select * from final
