{#-
    Every counter reading of a device in time order: the install reading (the opening
    counter) and the actual meter readings that count for billing (counted or approved —
    never a held one, docs/meter-readings.md) up to the as-of date, numbered per device, with
    the meter each belongs to. A reading with meter_reset = true starts a new meter
    (meter_segment + 1); on the day of a replacement the old meter's final read sorts
    before the new meter's start (docs/billing.md, Meter replacement).

    Incremental (docs/performance.md, "Incremental models"): a refresh compares the
    readings as they are now with the rows this table holds — no watermark, so a row that
    commits late, a correction, a withdrawal, a hold, a new install date or a move of the
    as-of date are all seen — and, for each device where they differ, rebuilds its rows from
    the reading before the first difference onward (that reading's is_segment_end may
    change), numbering them on from the rows kept before it. A full build (--full-refresh)
    sequences everything.
-#}

{{ config(
    materialized='incremental',
    incremental_strategy='replace_from',
    unique_key='device_id',
    slice_column='read_on',
    marker_column='reading_seq',
    on_schema_change='fail',
) }}

{%- set row_columns = ['device_id', 'read_on', 'mono_counter', 'color_counter',
                      'meter_reading_id', 'reading_source', 'is_install', 'is_meter_reset'] %}

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

{%- if is_incremental() %}

stored as (

    select * from {{ this }}

),

-- what a device's rows are made of (row_columns): a difference anywhere changes its rows
-- from there on
differences as (

    select
        device_id,
        read_on,
    from (
        select {{ row_columns | join(', ') }} from readings
        except
        select {{ row_columns | join(', ') }} from stored
    )

    union all

    select
        device_id,
        read_on,
    from (
        select {{ row_columns | join(', ') }} from stored
        except
        select {{ row_columns | join(', ') }} from readings
    )

),

changed_devices as (

    select
        device_id,
        min(read_on) as changed_from,
    from differences
    group by device_id

),

-- rebuilt from the date of the last kept reading before the first difference
boundaries as (

    select
        changed_devices.device_id,
        coalesce(max(stored.read_on), changed_devices.changed_from) as rebuild_from,
    from changed_devices
    left join stored
        on changed_devices.device_id = stored.device_id
        and stored.read_on < changed_devices.changed_from
    group by changed_devices.device_id, changed_devices.changed_from

),

-- the rows kept before the boundary: the numbering and the meter go on from them
prefixes as (

    select
        boundaries.device_id,
        boundaries.rebuild_from,
        count(stored.device_id) as kept_readings,
        coalesce(max(stored.meter_segment), 0) as kept_meter_segment,
    from boundaries
    left join stored
        on boundaries.device_id = stored.device_id
        and stored.read_on < boundaries.rebuild_from
    group by boundaries.device_id, boundaries.rebuild_from

),

rebuilt as (

    select
        readings.*,
        prefixes.kept_readings,
        prefixes.kept_meter_segment,
    from readings
    inner join prefixes
        on readings.device_id = prefixes.device_id
        and readings.read_on >= prefixes.rebuild_from

),

{%- endif %}

sequenced as (

    select
        *,
        {% if is_incremental() %}kept_readings + {% endif -%}
        row_number() over reading_order as reading_seq,
        cast(
            {% if is_incremental() %}kept_meter_segment + {% endif -%}
            sum(case when is_meter_reset then 1 else 0 end) over reading_order as integer
        ) as meter_segment,
        -- the next reading starts a new meter: this one is the old meter's final read
        coalesce(lead(is_meter_reset) over reading_order, false) as is_segment_end,
    from {% if is_incremental() %}rebuilt{% else %}readings{% endif %}
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
{%- if is_incremental() %}

union all

-- one marker per rebuilt device at its boundary: replace_from deletes its rows from there
select
    device_id,
    cast(null as bigint) as reading_seq,
    cast(null as integer) as meter_segment,
    cast(null as bigint) as meter_reading_id,
    rebuild_from as read_on,
    cast(null as date) as period_start,
    cast(null as bigint) as mono_counter,
    cast(null as bigint) as color_counter,
    cast(null as varchar) as reading_source,
    cast(null as boolean) as is_install,
    cast(null as boolean) as is_meter_reset,
    cast(null as boolean) as is_segment_start,
    cast(null as boolean) as is_segment_end,
from prefixes
{%- endif %}
