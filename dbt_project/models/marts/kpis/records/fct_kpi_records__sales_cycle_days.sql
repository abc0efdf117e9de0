{#-
    sales_cycle_days: median days created → won, for opportunities won in the month. One
    record per won opportunity; numerator = its days.
-#}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'sales_cycle_days', 'months.month', 'opportunity', 'opportunities.opportunity_code',
            'opportunities.won_on', 'opportunities.account_code', 'opportunities.contract_number',
            'opportunities.cycle_days', '1',
            "'created ' || cast(opportunities.created_on as varchar)"
        ) }}
    from opportunities
    inner join months
        on opportunities.closed_month = months.month
    where opportunities.is_won

)

select * from final
