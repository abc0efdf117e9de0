{#-
    device_uptime_pct: device-hours up ÷ device-hours monitored in the month
    (fct_device_uptime). One record per device and month; numerator = hours up, denominator
    = hours monitored.
-#}

with

uptime as (

    select * from {{ ref('fct_device_uptime') }}

),

final as (

    select
        {{ kpi_record(
            'device_uptime_pct',
            'uptime.month',
            'device_month',
            'uptime.serial',
            'uptime.month',
            'uptime.account_code',
            'uptime.contract_number',
            'uptime.up_hours',
            'uptime.monitored_hours',
            "cast(uptime.down_events as varchar) || ' down · '"
            ~ " || cast(uptime.down_hours as varchar) || ' h down'"
        ) }}
    from uptime
    where uptime.monitored_hours > 0

)

select * from final
