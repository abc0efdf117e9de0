-- docs/billing.md, "Meter replacement after an overshooting estimate": over a device's life,
-- billed usage equals the pages its meters counted, replacements included, once an actual
-- read catches up. At every period where it has — an actual reading closes the period, the
-- effective counters equal it, and nothing of an overshoot is left to absorb — the usage
-- billed since install (Σ mono_pages) equals, computed from the readings themselves,
--   Σ over the meters replaced so far of (final read − start) + (closing read − current start).
-- Also: usage is never negative. Returns the device-periods that break it.

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

billed as (

    select
        *,
        sum(mono_pages) over device_history as billed_mono,
        sum(color_pages) over device_history as billed_color,
    from usage
    window device_history as (
        partition by serial
        order by period_start
        rows between unbounded preceding and current row
    )

),

caught_up as (

    select * from billed
    where not is_estimated
        and actual_closing_mono_counter = closing_mono_counter
        and actual_closing_color_counter = closing_color_counter
        and unabsorbed_mono_pages = 0
        and unabsorbed_color_pages = 0

),

meters as (

    select
        devices.serial,
        readings.meter_segment,
        max(case when readings.is_segment_start then readings.mono_counter end) as start_mono,
        max(case when readings.is_segment_start then readings.color_counter end) as start_color,
        max(case when readings.is_segment_end then readings.mono_counter end) as final_mono,
        max(case when readings.is_segment_end then readings.color_counter end) as final_color,
    from readings
    inner join devices
        on readings.device_id = devices.device_id
    group by devices.serial, readings.meter_segment

),

counted as (

    select
        caught_up.serial,
        caught_up.period_start,
        caught_up.billed_mono,
        caught_up.billed_color,
        sum(
            case
                when meters.meter_segment < caught_up.meter_number
                    then meters.final_mono - meters.start_mono
                else caught_up.actual_closing_mono_counter - meters.start_mono
            end
        ) as counted_mono,
        sum(
            case
                when meters.meter_segment < caught_up.meter_number
                    then meters.final_color - meters.start_color
                else caught_up.actual_closing_color_counter - meters.start_color
            end
        ) as counted_color,
    from caught_up
    inner join meters
        on caught_up.serial = meters.serial
        and caught_up.meter_number >= meters.meter_segment
    group by all

),

final as (

    select
        serial,
        period_start,
        'billed ' || billed_mono || ' / ' || billed_color || ' pages, the meters counted '
        || counted_mono || ' / ' || counted_color as problem,
    from counted
    where billed_mono <> counted_mono or billed_color <> counted_color

    union all

    select
        serial,
        period_start,
        'negative usage' as problem,
    from usage
    where mono_pages < 0 or color_pages < 0

)

select * from final
