{#-
    Effective closing counters and usage per device × period
    (docs/billing.md, Usage from meter readings; The effective counter without recursion).

    The rule, per meter (mono, color) and within one physical meter:
        effective_k = max(effective_{k-1}, closing reading_k)            actual period
        effective_k = max(effective_{k-1}, effective_{k-1} + estimate_k)  estimated period
    i.e. effective_k = max(effective_{k-1} + u_k, b_k) with u_k = the estimated increment
    (0 for an actual period) and b_k = the actual closing (none for an estimated one).
    With U_k = u_1 + … + u_k this unrolls to
        effective_k = U_k + max(b_0 − U_0, b_1 − U_1, …, b_k − U_k)
    (proof in docs/billing.md), so it is a running sum and a running max — two window
    functions, no recursion — over the meter's checkpoints: its start (install or
    replacement reading), the period ends while it is in force, and, for a replaced
    meter, its final reading.

    Usage crosses replacements through a lifetime "odometer" of the pages the meters
    counted: the sum, over the meters already replaced, of (their final read − their start),
    plus the current meter's (effective − start). The odometer can fall at a replacement —
    when an estimate overshot the old meter, its effective counter is above its final read —
    and billing never gives pages back as a negative usage: the billed lifetime is the
    odometer's running maximum, a period's usage its increase. So across a replacement the
    usage is max(0, (old final − previous effective) + (new closing − new start)) and what
    is still unabsorbed (billed lifetime − odometer) carries to the next periods; once an
    actual read catches up, billed usage over the device's life equals what its meters
    counted (docs/billing.md, "Meter replacement after an overshooting estimate").
-#}

with

closings as (

    select * from {{ ref('int_meter_reads_closing') }}

),

estimates as (

    select * from {{ ref('int_meter_reads_estimated') }}

),

readings as (

    select * from {{ ref('int_meter_reads_sequenced') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

checkpoints as (

    -- a meter's start: its install or replacement reading
    select
        device_id,
        meter_segment,
        0 as checkpoint_kind,
        read_on as checkpoint_on,
        cast(null as date) as period_start,
        mono_counter as actual_mono,
        color_counter as actual_color,
        cast(0 as bigint) as increment_mono,
        cast(0 as bigint) as increment_color,
    from readings
    where is_segment_start

    union all

    -- each period end, on the meter in force at period end
    select
        closings.device_id,
        closings.meter_segment,
        1 as checkpoint_kind,
        closings.period_end as checkpoint_on,
        closings.period_start,
        closings.closing_mono_counter as actual_mono,
        closings.closing_color_counter as actual_color,
        coalesce(estimates.estimated_mono_pages, 0) as increment_mono,
        coalesce(estimates.estimated_color_pages, 0) as increment_color,
    from closings
    left join estimates
        on closings.device_id = estimates.device_id
        and closings.period_start = estimates.period_start

    union all

    -- a replaced meter's final reading (after all its period ends)
    select
        device_id,
        meter_segment,
        2 as checkpoint_kind,
        read_on as checkpoint_on,
        cast(null as date) as period_start,
        mono_counter as actual_mono,
        color_counter as actual_color,
        cast(0 as bigint) as increment_mono,
        cast(0 as bigint) as increment_color,
    from readings
    where is_segment_end

),

accumulated as (

    select
        *,
        sum(increment_mono) over meter_history as cumulative_increment_mono,
        sum(increment_color) over meter_history as cumulative_increment_color,
    from checkpoints
    window meter_history as (
        partition by device_id, meter_segment
        order by checkpoint_kind, checkpoint_on
        rows between unbounded preceding and current row
    )

),

effective as (

    select
        *,
        cast(
            cumulative_increment_mono
            + max(actual_mono - cumulative_increment_mono) over meter_history
            as bigint
        ) as effective_mono,
        cast(
            cumulative_increment_color
            + max(actual_color - cumulative_increment_color) over meter_history
            as bigint
        ) as effective_color,
    from accumulated
    window meter_history as (
        partition by device_id, meter_segment
        order by checkpoint_kind, checkpoint_on
        rows between unbounded preceding and current row
    )

),

meters as (

    select
        device_id,
        meter_segment,
        max(case when checkpoint_kind = 0 then actual_mono end) as start_mono,
        max(case when checkpoint_kind = 0 then actual_color end) as start_color,
        -- a replaced meter counted (final read − start); the meter in force has no final
        -- read yet and is no earlier meter of anything
        max(case when checkpoint_kind = 2 then actual_mono end)
        - max(case when checkpoint_kind = 0 then actual_mono end) as gain_mono,
        max(case when checkpoint_kind = 2 then actual_color end)
        - max(case when checkpoint_kind = 0 then actual_color end) as gain_color,
    from effective
    group by device_id, meter_segment

),

meters_based as (

    select
        *,
        coalesce(sum(gain_mono) over earlier_meters, 0) as base_mono,
        coalesce(sum(gain_color) over earlier_meters, 0) as base_color,
    from meters
    window earlier_meters as (
        partition by device_id
        order by meter_segment
        rows between unbounded preceding and 1 preceding
    )

),

period_odometers as (

    select
        effective.device_id,
        effective.period_start,
        effective.meter_segment,
        effective.effective_mono,
        effective.effective_color,
        cast(
            meters_based.base_mono + effective.effective_mono - meters_based.start_mono as bigint
        ) as odometer_mono,
        cast(
            meters_based.base_color + effective.effective_color - meters_based.start_color as bigint
        ) as odometer_color,
    from effective
    inner join meters_based
        on effective.device_id = meters_based.device_id
        and effective.meter_segment = meters_based.meter_segment
    where effective.checkpoint_kind = 1

),

billed as (

    select
        *,
        max(odometer_mono) over device_history as billed_mono,
        max(odometer_color) over device_history as billed_color,
    from period_odometers
    window device_history as (
        partition by device_id
        order by period_start
        rows between unbounded preceding and current row
    )

),

final as (

    select
        closings.device_id,
        closings.contract_id,
        closings.period_start,
        closings.period_end,
        closings.active_days,
        closings.device_period_number,
        closings.meter_segment,
        not closings.has_actual_read as is_estimated,
        closings.readings_in_period,
        closings.meter_replacements,
        closings.closing_read_on,
        closings.closing_mono_counter as actual_closing_mono_counter,
        closings.closing_color_counter as actual_closing_color_counter,
        estimates.estimated_mono_pages,
        estimates.estimated_color_pages,
        coalesce(
            lag(billed.effective_mono) over device_history,
            devices.install_mono_counter
        ) as opening_mono_counter,
        billed.effective_mono as closing_mono_counter,
        coalesce(
            lag(billed.effective_color) over device_history,
            devices.install_color_counter
        ) as opening_color_counter,
        billed.effective_color as closing_color_counter,
        (
            billed.billed_mono
            - coalesce(lag(billed.billed_mono) over device_history, 0)
        ) as mono_pages,
        (
            billed.billed_color
            - coalesce(lag(billed.billed_color) over device_history, 0)
        ) as color_pages,
        billed.billed_mono as lifetime_mono_pages,
        billed.billed_color as lifetime_color_pages,
        billed.billed_mono - billed.odometer_mono as unabsorbed_mono_pages,
        billed.billed_color - billed.odometer_color as unabsorbed_color_pages,
        -- what this period's usage absorbed of an earlier overshoot (negative when a
        -- replacement in the period left a new one to absorb)
        coalesce(
            lag(billed.billed_mono - billed.odometer_mono) over device_history, 0
        ) - (billed.billed_mono - billed.odometer_mono) as absorbed_mono_pages,
        coalesce(
            lag(billed.billed_color - billed.odometer_color) over device_history, 0
        ) - (billed.billed_color - billed.odometer_color) as absorbed_color_pages,
    from closings
    inner join billed
        on closings.device_id = billed.device_id
        and closings.period_start = billed.period_start
    inner join devices
        on closings.device_id = devices.device_id
    left join estimates
        on closings.device_id = estimates.device_id
        and closings.period_start = estimates.period_start
    window device_history as (
        partition by closings.device_id
        order by closings.period_start
    )

)

select * from final
