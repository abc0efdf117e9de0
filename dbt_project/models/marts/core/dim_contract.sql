{#- Contracts with their term as it stands (renewals, closure) and status as of the as-of date. -#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

device_counts as (

    select
        devices.contract_id,
        count(*) as device_count,
        count(*) filter (
            where devices.installed_on <= contracts.as_of_date
            and (devices.removed_on is null or devices.removed_on > contracts.as_of_date)
        ) as installed_device_count,
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id
    group by devices.contract_id

),

final as (

    select
        contracts.contract_number,
        contracts.account_code,
        contracts.opportunity_code,
        contracts.currency,
        contracts.payment_terms_days,
        contracts.billing_day,
        contracts.start_date,
        contracts.original_end_date,
        contracts.end_date,
        contracts.activated_on,
        contracts.closed_on,
        contracts.closure_reason,
        contracts.renewal_count,
        contracts.last_renewed_on,
        contracts.billable_from,
        contracts.billable_through,
        contracts.status,
        cast(coalesce(device_counts.device_count, 0) as integer) as device_count,
        cast(coalesce(device_counts.installed_device_count, 0) as integer)
            as installed_device_count,
    from contracts
    left join device_counts
        on contracts.contract_id = device_counts.contract_id

)

select * from final
