-- billing-and-collections.md, Usage: usage is never negative and the sum of a device's
-- usage over its life equals its counters' difference, meter by meter:
--   Σ usage = Σ over meters of (effective counter at the meter's end − the meter's start)
-- where a replaced meter ends at max(its final read, its last effective closing) and the
-- meter in force ends at the last period's effective closing. Without a replacement this
-- is: last effective closing − install counter. Returns the devices that break it.

with

usage as (

    select * from {{ ref('fct_device_usage') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

readings as (

    select * from {{ ref('int_meter_reads_sequenced') }}

),

usage_totals as (

    select
        serial,
        sum(mono_pages) as mono_pages,
        sum(color_pages) as color_pages,
        min(least(mono_pages, color_pages)) as least_usage,
        max(period_end) as last_period_end,
    from usage
    group by serial

),

meters as (

    select
        devices.serial,
        readings.meter_segment,
        max(case when readings.is_segment_start then readings.mono_counter end) as start_mono,
        max(case when readings.is_segment_start then readings.color_counter end) as start_color,
        -- a final read after the last computed period is not in the usage yet
        max(
            case
                when readings.is_segment_end and readings.read_on <= usage_totals.last_period_end
                    then readings.mono_counter
            end
        ) as final_mono,
        max(
            case
                when readings.is_segment_end and readings.read_on <= usage_totals.last_period_end
                    then readings.color_counter
            end
        ) as final_color,
    from readings
    inner join devices
        on readings.device_id = devices.device_id
    inner join usage_totals
        on devices.serial = usage_totals.serial
    group by devices.serial, readings.meter_segment

),

meter_closings as (

    select
        serial,
        meter_number as meter_segment,
        max(closing_mono_counter) as closing_mono,
        max(closing_color_counter) as closing_color,
    from usage
    group by serial, meter_number

),

last_meter as (

    select
        serial,
        meter_number,
    from usage
    qualify row_number() over (partition by serial order by period_start desc) = 1

),

meter_gains as (

    select
        meters.serial,
        sum(
            greatest(
                coalesce(meter_closings.closing_mono, meters.start_mono),
                coalesce(meters.final_mono, meters.start_mono)
            )
            - meters.start_mono
        ) as expected_mono,
        sum(
            greatest(
                coalesce(meter_closings.closing_color, meters.start_color),
                coalesce(meters.final_color, meters.start_color)
            )
            - meters.start_color
        ) as expected_color,
    from meters
    inner join last_meter
        on meters.serial = last_meter.serial
        -- meters replaced after the last computed period are not in the usage yet
        and meters.meter_segment <= last_meter.meter_number
    left join meter_closings
        on meters.serial = meter_closings.serial
        and meters.meter_segment = meter_closings.meter_segment
    group by meters.serial

),

final as (

    select
        usage_totals.*,
        meter_gains.expected_mono,
        meter_gains.expected_color,
    from usage_totals
    inner join meter_gains
        on usage_totals.serial = meter_gains.serial
    where usage_totals.least_usage < 0
        or usage_totals.mono_pages <> meter_gains.expected_mono
        or usage_totals.color_pages <> meter_gains.expected_color

)

select * from final
