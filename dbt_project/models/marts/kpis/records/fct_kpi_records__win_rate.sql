{#-
    win_rate: won ÷ (won + lost) among opportunities closed in the month. One record per
    closed opportunity; numerator 1 when won.
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
            'win_rate',
            'months.month',
            'opportunity',
            'opportunities.opportunity_code',
            'opportunities.closed_on',
            'opportunities.account_code',
            'opportunities.contract_number',
            'case when opportunities.is_won then 1 else 0 end',
            '1',
            "opportunities.outcome || coalesce(': ' || opportunities.lost_reason, '')"
        ) }}
    from opportunities
    inner join months
        on opportunities.closed_month = months.month
    where opportunities.is_won or opportunities.is_lost

)

select * from final
