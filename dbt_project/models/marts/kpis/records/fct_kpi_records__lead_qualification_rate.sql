{#-
    lead_qualification_rate: opportunities created in the month that ever reached
    `qualified` (or any later stage) ÷ created. One record per opportunity created.
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
            'lead_qualification_rate',
            'months.month',
            'opportunity',
            'opportunities.opportunity_code',
            'opportunities.created_on',
            'opportunities.account_code',
            'opportunities.contract_number',
            'case when opportunities.is_qualified then 1 else 0 end',
            '1',
            "opportunities.stage || coalesce(' (qualified '"
            ~ " || cast(opportunities.qualified_on as varchar) || ')', '')"
        ) }}
    from opportunities
    inner join months
        on opportunities.created_month = months.month

)

select * from final
