{#-
    Every counter reading of a device in time order: the install reading (the opening
    counter) and the actual meter readings that count for billing (counted or approved —
    never a held one, docs/meter-capture.md) up to the as-of date, numbered per device, with
    the meter each belongs to. A reading with meter_reset = true starts a new meter
    (meter_segment + 1); on the day of a replacement the old meter's final read sorts
    before the new meter's start (docs/billing.md, Meter replacement).
-#}

with

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

meter_readings as (

    select * from {{ ref('stg_operational__meter_readings') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

readings as (

    select
        devices.device_id,
        devices.installed_on as read_on,
        devices.install_mono_counter as mono_counter,
        devices.install_color_counter as color_counter,
        cast(null as bigint) as meter_reading_id,
        'install' as reading_source,
        true as is_install,
        false as is_meter_reset,
    from devices

    union all

    select
        meter_readings.device_id,
        meter_readings.read_on,
        meter_readings.mono_counter,
        meter_readings.color_counter,
        meter_readings.meter_reading_id,
        meter_readings.source as reading_source,
        false as is_install,
        meter_readings.meter_reset as is_meter_reset,
    from meter_readings
    inner join devices
        on meter_readings.device_id = devices.device_id
    inner join as_of
        on meter_readings.read_on <= as_of.as_of_date
    -- refused at entry; ignored here should one slip in
    where meter_readings.read_on >= devices.installed_on
        -- a held reading waits for review: billing never uses it until it is approved
        and meter_readings.review_status in ('counted', 'approved')

),

sequenced as (

    select
        *,
        row_number() over reading_order as reading_seq,
        cast(
            sum(case when is_meter_reset then 1 else 0 end) over reading_order as integer
        ) as meter_segment,
        -- the next reading starts a new meter: this one is the old meter's final read
        coalesce(lead(is_meter_reset) over reading_order, false) as is_segment_end,
    from readings
    -- one sort serves every window: (read_on, install first, old meter before new meter)
    window reading_order as (
        partition by device_id
        order by read_on asc, is_install desc, is_meter_reset asc, meter_reading_id asc
        rows between unbounded preceding and current row
    )

),

final as (

    select
        device_id,
        reading_seq,
        meter_segment,
        meter_reading_id,
        read_on,
        cast(date_trunc('month', read_on) as date) as period_start,
        mono_counter,
        color_counter,
        reading_source,
        is_install,
        is_meter_reset,
        is_install or is_meter_reset as is_segment_start,
        is_segment_end,
    from sequenced

)

select * from final
