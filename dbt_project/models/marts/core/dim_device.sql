{#- Devices with their contract, install and removal, and meter history in brief. -#}

with

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

readings as (

    select
        device_id,
        count(*) filter (where not is_install) as reading_count,
        count(*) filter (where is_meter_reset) as meter_replacement_count,
        max(read_on) filter (where not is_install) as last_read_on,
    from {{ ref('int_meter_reads_sequenced') }}
    group by device_id

),

final as (

    select
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        devices.model,
        devices.is_color,
        devices.site,
        devices.installed_on,
        devices.removed_on,
        devices.install_mono_counter,
        devices.install_color_counter,
        (
            devices.installed_on <= contracts.as_of_date
            and (devices.removed_on is null or devices.removed_on > contracts.as_of_date)
        ) as is_installed,
        cast(coalesce(readings.reading_count, 0) as integer) as reading_count,
        cast(coalesce(readings.meter_replacement_count, 0) as integer) as meter_replacement_count,
        readings.last_read_on,
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id
    left join readings
        on devices.device_id = readings.device_id

)

select * from final
