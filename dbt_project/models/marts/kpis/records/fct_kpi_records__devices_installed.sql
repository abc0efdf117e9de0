{#- devices_installed: devices installed in the month (by install date). One record per device. -#}

with

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'devices_installed', 'months.month', 'device', 'devices.serial',
            'devices.installed_on', 'contracts.account_code', 'contracts.contract_number',
            '1', 'null', 'devices.model'
        ) }}
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id
    inner join months
        on date_trunc('month', devices.installed_on) = months.month

)

select * from final
