{#-
    logo_churn_rate: accounts whose last active contract ended or closed in the month ÷
    accounts active at the start of the month. An account is active on a day when one of
    its contracts is billable that day (activation or start through end or closure); it
    churned in the month when it was active on the first day and has no contract active on
    the day after the month's measurement day. One record per account active at month start.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

active_at_start as (

    select
        contracts.account_code,
        months.month,
        months.measured_through,
        string_agg(contracts.contract_number, ', ' order by contracts.contract_number)
            as contract_numbers,
        string_agg(contracts.contract_number, ', ' order by contracts.contract_number) filter (
            where contracts.billable_through <= months.measured_through
        ) as ended_contract_numbers,
    from contracts
    inner join months
        on contracts.billable_from <= months.month
        and contracts.billable_through >= months.month
    group by contracts.account_code, months.month, months.measured_through

),

active_after as (

    select distinct
        contracts.account_code,
        months.month,
    from contracts
    inner join months
        on contracts.billable_from <= months.measured_through + 1
        and contracts.billable_through >= months.measured_through + 1

),

final as (

    select
        {{ kpi_record(
            'logo_churn_rate',
            'active_at_start.month',
            'account',
            'active_at_start.account_code',
            'active_at_start.measured_through',
            'active_at_start.account_code',
            'null',
            'case when active_after.account_code is null then 1 else 0 end',
            '1',
            "case when active_after.account_code is null then 'churned: '"
            ~ " || coalesce(active_at_start.ended_contract_numbers, '') else 'active: '"
            ~ " || active_at_start.contract_numbers end"
        ) }}
    from active_at_start
    left join active_after
        on active_at_start.account_code = active_after.account_code
        and active_at_start.month = active_after.month

)

select * from final
