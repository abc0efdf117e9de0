{#-
    Device × period: the period's closing reading — the latest actual reading dated in the
    period (periods are contiguous from the install month, so "≤ period end and after the
    previous closing reading's date" is "in the period") — the meter in force at period
    end, and the last actual reading on or before period end (the basis of an estimate).
    The install reading is the opening counter, not an actual closing reading.
-#}

with

device_periods as (

    select * from {{ ref('int_device_periods') }}

),

readings as (

    select * from {{ ref('int_meter_reads_sequenced') }}

),

monthly as (

    select
        device_id,
        period_start,
        count(*) filter (where not is_install) as readings_in_period,
        count(*) filter (where is_meter_reset) as meter_replacements,
        max(reading_seq) filter (where not is_install) as closing_reading_seq,
        max(reading_seq) as last_reading_seq,
    from readings
    group by device_id, period_start

),

carried as (

    select
        device_periods.*,
        coalesce(monthly.readings_in_period, 0) as readings_in_period,
        coalesce(monthly.meter_replacements, 0) as meter_replacements,
        monthly.closing_reading_seq,
        -- latest reading (install included) on or before period end: its meter is in force
        last_value(monthly.last_reading_seq ignore nulls) over device_history as last_reading_seq,
        -- latest actual reading on or before period end
        last_value(monthly.closing_reading_seq ignore nulls) over device_history
            as last_actual_reading_seq,
    from device_periods
    left join monthly
        on device_periods.device_id = monthly.device_id
        and device_periods.period_start = monthly.period_start
    window device_history as (
        partition by device_periods.device_id
        order by device_periods.period_start
        rows between unbounded preceding and current row
    )

),

final as (

    select
        carried.device_id,
        carried.contract_id,
        carried.period_start,
        carried.period_end,
        carried.days_in_month,
        carried.active_days,
        carried.device_period_number,
        coalesce(in_force.meter_segment, 0) as meter_segment,
        carried.closing_reading_seq is not null as has_actual_read,
        carried.readings_in_period,
        carried.meter_replacements,
        closing.read_on as closing_read_on,
        closing.mono_counter as closing_mono_counter,
        closing.color_counter as closing_color_counter,
        last_actual.reading_seq as last_actual_reading_seq,
        last_actual.read_on as last_actual_read_on,
        last_actual.mono_counter as last_actual_mono_counter,
        last_actual.color_counter as last_actual_color_counter,
    from carried
    left join readings as in_force
        on carried.device_id = in_force.device_id
        and carried.last_reading_seq = in_force.reading_seq
    left join readings as closing
        on carried.device_id = closing.device_id
        and carried.closing_reading_seq = closing.reading_seq
    left join readings as last_actual
        on carried.device_id = last_actual.device_id
        and carried.last_actual_reading_seq = last_actual.reading_seq

)

select * from final
