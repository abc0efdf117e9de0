{#-
    Estimated usage of the device periods with no actual reading
    (docs/billing.md, Usage from meter readings): round(average daily usage ×
    days the device was active in the period), half up, where the average comes from the
    last actual reading on or before period end (L) and the latest reading of the same
    meter dated at least 28 days before it (R); when there is none, R is the meter's start
    (the install reading, or the replacement meter's starting reading). 0 when there is no
    actual reading yet or L and R fall on the same day. Only readings up to the period's
    end are used: an estimate never looks into the future. The estimate itself is
    previous effective closing + this increment (int_meter_counters_effective).

    The division is exact: round((L − R) × days / (L.date − R.date)) in integers.
-#}

with

closings as (

    select * from {{ ref('int_meter_reads_closing') }}
    where not has_actual_read

),

sequenced as (

    select * from {{ ref('int_meter_reads_sequenced') }}

),

-- only the meters some estimate needs (a few percent of the devices)
estimated_meters as (

    select distinct
        device_id,
        meter_segment,
    from closings

),

readings as (

    select sequenced.*
    from sequenced
    inner join estimated_meters
        on sequenced.device_id = estimated_meters.device_id
        and sequenced.meter_segment = estimated_meters.meter_segment

),

-- one reading per device, meter and day (the later one), so the as-of join is unambiguous
readings_daily as (

    select
        device_id,
        meter_segment,
        read_on,
        max_by(mono_counter, reading_seq) as mono_counter,
        max_by(color_counter, reading_seq) as color_counter,
    from readings
    group by device_id, meter_segment, read_on

),

meter_starts as (

    select
        device_id,
        meter_segment,
        read_on,
        mono_counter,
        color_counter,
    from readings
    where is_segment_start

),

basis as (

    select
        closings.device_id,
        closings.contract_id,
        closings.period_start,
        closings.period_end,
        closings.active_days,
        closings.meter_segment,
        closings.last_actual_read_on,
        closings.last_actual_mono_counter,
        closings.last_actual_color_counter,
        closings.last_actual_read_on - 28 as basis_cutoff,
    from closings

),

paired as (

    select
        basis.*,
        coalesce(earlier.read_on, meter_starts.read_on) as basis_read_on,
        coalesce(earlier.mono_counter, meter_starts.mono_counter) as basis_mono_counter,
        coalesce(earlier.color_counter, meter_starts.color_counter) as basis_color_counter,
    from basis
    asof left join readings_daily as earlier
        on basis.device_id = earlier.device_id
        and basis.meter_segment = earlier.meter_segment
        and basis.basis_cutoff >= earlier.read_on
    left join meter_starts
        on basis.device_id = meter_starts.device_id
        and basis.meter_segment = meter_starts.meter_segment

),

measured as (

    select
        *,
        case
            when last_actual_read_on is not null and last_actual_read_on > basis_read_on
                then cast(last_actual_read_on - basis_read_on as bigint)
        end as basis_days,
        greatest(last_actual_mono_counter - basis_mono_counter, 0) as basis_mono_pages,
        greatest(last_actual_color_counter - basis_color_counter, 0) as basis_color_pages,
    from paired

),

final as (

    select
        device_id,
        contract_id,
        period_start,
        period_end,
        active_days,
        meter_segment,
        case when basis_days is not null then basis_read_on end as basis_from_read_on,
        case when basis_days is not null then last_actual_read_on end as basis_to_read_on,
        basis_days,
        case when basis_days is not null then basis_mono_pages end as basis_mono_pages,
        case when basis_days is not null then basis_color_pages end as basis_color_pages,
        cast(coalesce(
            {{ round_half_up_div('basis_mono_pages * active_days', 'basis_days') }}, 0
        ) as bigint) as estimated_mono_pages,
        cast(coalesce(
            {{ round_half_up_div('basis_color_pages * active_days', 'basis_days') }}, 0
        ) as bigint) as estimated_color_pages,
    from measured

)

select * from final
