{#-
    on_time_go_live_rate: implementations accepted on or before their planned go-live ÷
    implementations accepted in the month (those with a plan).
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
            'on_time_go_live_rate',
            'months.month',
            'implementation',
            'implementations.contract_number',
            'implementations.accepted_on',
            'implementations.account_code',
            'implementations.contract_number',
            'case when implementations.is_on_time then 1 else 0 end',
            '1',
            "'planned ' || cast(implementations.planned_go_live as varchar)"
        ) }}
    from implementations
    inner join months
        on implementations.accepted_month = months.month
    where implementations.is_on_time is not null

)

select * from final
