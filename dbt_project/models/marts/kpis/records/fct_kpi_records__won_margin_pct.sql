{#-
    won_margin_pct: (price − cost) ÷ price of the proposals won in the month, in MXN,
    amount-weighted (Σ margin ÷ Σ price). One record per opportunity won in the month with
    a deciding proposal (fct_opportunities); numerator = price − cost, denominator = price.
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
            'won_margin_pct',
            'months.month',
            'proposal',
            'opportunities.proposal_code',
            'opportunities.won_on',
            'opportunities.account_code',
            'opportunities.contract_number',
            'opportunities.proposal_price_mxn - opportunities.proposal_cost_mxn',
            'opportunities.proposal_price_mxn',
            "opportunities.opportunity_code || ' · margin '"
            ~ " || cast(opportunities.proposal_margin_pct as varchar) || ' %'"
        ) }}
    from opportunities
    inner join months
        on opportunities.closed_month = months.month
    where opportunities.is_won
        and opportunities.proposal_price_mxn is not null

)

select * from final
