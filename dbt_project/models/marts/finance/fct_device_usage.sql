{#- Device × billing period usage (docs/billing.md, Usage from meter readings), with the
    technicians' test copies credited (docs/meter-readings.md). -#}

with

usage as (

    select * from {{ ref('int_device_usage_credited') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

billing_periods as (

    select * from {{ ref('int_billing_periods') }}

),

final as (

    select
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        usage.period_start,
        usage.period_end,
        usage.active_days,
        cast(usage.mono_pages as bigint) as mono_pages,
        cast(usage.color_pages as bigint) as color_pages,
        usage.is_estimated,
        cast(usage.opening_mono_counter as bigint) as opening_mono_counter,
        cast(usage.closing_mono_counter as bigint) as closing_mono_counter,
        cast(usage.opening_color_counter as bigint) as opening_color_counter,
        cast(usage.closing_color_counter as bigint) as closing_color_counter,
        cast(usage.readings_in_period as integer) as readings_used,
        usage.closing_read_on,
        cast(usage.actual_closing_mono_counter as bigint) as actual_closing_mono_counter,
        cast(usage.actual_closing_color_counter as bigint) as actual_closing_color_counter,
        cast(usage.estimated_mono_pages as bigint) as estimated_mono_pages,
        cast(usage.estimated_color_pages as bigint) as estimated_color_pages,
        cast(usage.meter_replacements as integer) as meter_replacements,
        cast(usage.meter_segment as integer) as meter_number,
        cast(usage.lifetime_mono_pages as bigint) as lifetime_mono_pages,
        cast(usage.lifetime_color_pages as bigint) as lifetime_color_pages,
        billing_periods.contract_id is not null as is_billable_period,
        cast(usage.unabsorbed_mono_pages as bigint) as unabsorbed_mono_pages,
        cast(usage.unabsorbed_color_pages as bigint) as unabsorbed_color_pages,
        cast(usage.absorbed_mono_pages as bigint) as absorbed_mono_pages,
        cast(usage.absorbed_color_pages as bigint) as absorbed_color_pages,
        cast(usage.recorded_test_mono_pages as bigint) as recorded_test_mono_pages,
        cast(usage.recorded_test_color_pages as bigint) as recorded_test_color_pages,
        cast(usage.test_mono_pages as bigint) as test_mono_pages,
        cast(usage.test_color_pages as bigint) as test_color_pages,
        cast(usage.billable_mono_pages as bigint) as billable_mono_pages,
        cast(usage.billable_color_pages as bigint) as billable_color_pages,
    from usage
    inner join devices
        on usage.device_id = devices.device_id
    inner join contracts
        on usage.contract_id = contracts.contract_id
    left join billing_periods
        on usage.contract_id = billing_periods.contract_id
        and usage.period_start = billing_periods.period_start

)

select * from final
