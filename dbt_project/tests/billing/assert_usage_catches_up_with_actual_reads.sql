-- docs/billing.md, Usage from meter readings: "when an estimate overshoots, later actual usage
-- absorbs the difference, and the sum of usage over time equals the actual counters'
-- difference once an actual read catches up". For devices never re-metered, at every
-- period whose actual closing reading has caught up with the effective counter, the
-- lifetime usage equals that reading − the install counter.

with

usage as (

    select * from {{ ref('fct_device_usage') }}

),

devices as (

    select * from {{ ref('dim_device') }}

),

final as (

    select
        usage.serial,
        usage.period_start,
        usage.lifetime_mono_pages,
        usage.actual_closing_mono_counter - devices.install_mono_counter as actual_mono_change,
        usage.lifetime_color_pages,
        usage.actual_closing_color_counter - devices.install_color_counter as actual_color_change,
    from usage
    inner join devices
        on usage.serial = devices.serial
    where devices.meter_replacement_count = 0
        and not usage.is_estimated
        and usage.actual_closing_mono_counter = usage.closing_mono_counter
        and usage.actual_closing_color_counter = usage.closing_color_counter
        and (
            usage.lifetime_mono_pages
            <> usage.actual_closing_mono_counter - devices.install_mono_counter
            or usage.lifetime_color_pages
            <> usage.actual_closing_color_counter - devices.install_color_counter
        )

)

select * from final
