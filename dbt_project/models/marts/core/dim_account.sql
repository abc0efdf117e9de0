{#- Accounts (customers and prospects) with their contract footprint as of the as-of date. -#}

with

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

footprint as (

    select
        account_id,
        count(*) as contract_count,
        count(*) filter (where status = 'active') as active_contract_count,
        min(billable_from) as first_contract_from,
    from contracts
    group by account_id

),

final as (

    select
        accounts.account_code,
        accounts.name as account_name,
        accounts.tax_id,
        accounts.segment,
        accounts.region,
        accounts.tax_rate,
        cast(coalesce(footprint.contract_count, 0) as integer) as contract_count,
        cast(coalesce(footprint.active_contract_count, 0) as integer) as active_contract_count,
        coalesce(footprint.contract_count, 0) > 0 as is_customer,
        footprint.first_contract_from,
        cast(accounts.created_at as date) as created_on,
    from accounts
    left join footprint
        on accounts.account_id = footprint.account_id

)

select * from final
