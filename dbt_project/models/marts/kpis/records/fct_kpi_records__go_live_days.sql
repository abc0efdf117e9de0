{#-
    go_live_days: median days activated → accepted by the customer, implementations accepted
    in the month. One record per accepted implementation.
-#}

with

implementations as (

    select * from {{ ref('fct_implementations') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'go_live_days',
            'months.month',
            'implementation',
            'implementations.contract_number',
            'implementations.accepted_on',
            'implementations.account_code',
            'implementations.contract_number',
            'implementations.go_live_days',
            '1',
            "'activated ' || cast(implementations.activated_on as varchar)"
        ) }}
    from implementations
    inner join months
        on implementations.accepted_month = months.month
    where implementations.go_live_days is not null

)

select * from final
