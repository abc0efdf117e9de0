{#-
    Device × month availability from monitoring events (docs/stages-and-kpis.md, device_uptime_pct):
    monitored time is the device's installed time in the month (install day through its
    removal day or its contract's end or closure, up to the end of the as-of date), in
    calendar hours (monitoring runs around the clock, not in business hours); down time is
    the part of it inside down intervals (int_device_downtime_intervals). A device with no
    events in the month was up the whole time it was monitored (docs/kpis.md).
-#}

with

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

downtime as (

    select * from {{ ref('int_device_downtime_intervals') }}

),

as_of as (

    select cast(as_of_date + 1 as timestamp) as as_of_moment,
    from {{ ref('int_as_of_date') }}

),

spans as (

    select
        devices.device_id,
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        cast(devices.installed_on as timestamp) as monitored_from,
        least(
            cast(least(devices.removed_on, contracts.billable_through) + 1 as timestamp),
            as_of.as_of_moment
        ) as monitored_until,
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id
    cross join as_of

),

device_months as (

    select
        spans.device_id,
        spans.serial,
        spans.contract_number,
        spans.account_code,
        months.month,
        greatest(spans.monitored_from, cast(months.month as timestamp)) as window_start,
        least(spans.monitored_until, cast(months.month_end + 1 as timestamp)) as window_end,
    from spans
    inner join months
        on spans.monitored_from < cast(months.month_end + 1 as timestamp)
        and spans.monitored_until > cast(months.month as timestamp)

),

down_overlaps as (

    select
        device_months.device_id,
        device_months.month,
        count(*) filter (where downtime.down_at >= device_months.window_start) as down_events,
        sum(
            datediff(
                'second',
                greatest(downtime.down_at, device_months.window_start),
                least(coalesce(downtime.up_at, device_months.window_end), device_months.window_end)
            )
        ) as down_seconds,
    from device_months
    inner join downtime
        on device_months.device_id = downtime.device_id
        and device_months.window_end > downtime.down_at
        and device_months.window_start < coalesce(downtime.up_at, device_months.window_end)
    group by device_months.device_id, device_months.month

),

measured as (

    select
        device_months.*,
        datediff('second', device_months.window_start, device_months.window_end)
            as monitored_seconds,
        coalesce(down_overlaps.down_seconds, 0) as down_seconds,
        coalesce(down_overlaps.down_events, 0) as down_events,
    from device_months
    left join down_overlaps
        on device_months.device_id = down_overlaps.device_id
        and device_months.month = down_overlaps.month

),

final as (

    select
        serial,
        contract_number,
        account_code,
        month,
        window_start as monitored_from,
        window_end as monitored_until,
        {{ seconds_to_hours('monitored_seconds') }} as monitored_hours,
        {{ seconds_to_hours('down_seconds') }} as down_hours,
        {{ seconds_to_hours('monitored_seconds - down_seconds') }} as up_hours,
        {{ kpi_ratio('monitored_seconds - down_seconds', 'monitored_seconds', 100) }} as uptime_pct,
        cast(down_events as integer) as down_events,
    from measured
    where window_end > window_start

)

select * from final
