{#-
    Before a billing run: every device active at the end of a period (or at the as-of date
    in the month in progress) with its latest actual reading that counts for billing, and
    how many days before that end it was taken (docs/meter-readings.md, "Missing reads").
    A device is missing its read when `days_without_read` ≥ d, the admin's setting
    `missing_read_days` (default 5): the app's list applies it, so a change of the setting
    needs no rebuild. Held readings do not count (billing does not use them) but are shown.
-#}

with

device_periods as (

    select * from {{ ref('int_device_periods') }}

),

readings as (

    select * from {{ ref('int_meter_reads_sequenced') }}
    where not is_install

),

held as (

    select * from {{ ref('stg_operational__meter_reading_reviews') }}
    where review_status = 'held'

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

active_at_end as (

    select
        device_periods.device_id,
        device_periods.contract_id,
        device_periods.period_start,
        device_periods.period_end,
        least(device_periods.period_end, as_of.as_of_date) as checked_on,
    from device_periods
    cross join as_of
    -- active on the day the period is checked: not removed, contract not ended before it
    where device_periods.active_to >= least(device_periods.period_end, as_of.as_of_date)

),

last_reads as (

    select
        active_at_end.device_id,
        active_at_end.period_start,
        max(readings.read_on) as last_read_on,
    from active_at_end
    left join readings
        on active_at_end.device_id = readings.device_id
        and active_at_end.checked_on >= readings.read_on
    group by active_at_end.device_id, active_at_end.period_start

),

held_counts as (

    select
        active_at_end.device_id,
        active_at_end.period_start,
        count(held.meter_reading_id) as held_reads,
    from active_at_end
    inner join held
        on active_at_end.device_id = held.device_id
        and active_at_end.period_start <= held.read_on
        and active_at_end.checked_on >= held.read_on
    group by active_at_end.device_id, active_at_end.period_start

),

final as (

    select
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        accounts.name as account_name,
        devices.model,
        devices.site,
        active_at_end.period_start,
        active_at_end.period_end,
        active_at_end.checked_on,
        last_reads.last_read_on,
        cast(
            active_at_end.checked_on - coalesce(last_reads.last_read_on, devices.installed_on)
            as integer
        ) as days_without_read,
        last_reads.last_read_on is null as never_read,
        cast(coalesce(held_counts.held_reads, 0) as integer) as held_reads,
    from active_at_end
    inner join devices
        on active_at_end.device_id = devices.device_id
    inner join contracts
        on active_at_end.contract_id = contracts.contract_id
    left join accounts
        on contracts.account_code = accounts.account_code
    left join last_reads
        on active_at_end.device_id = last_reads.device_id
        and active_at_end.period_start = last_reads.period_start
    left join held_counts
        on active_at_end.device_id = held_counts.device_id
        and active_at_end.period_start = held_counts.period_start

)

select * from final
