{#-
    open_pipeline_amount: estimated amount (MXN) of the opportunities open at month end —
    created on or before the month's measurement day and not won or lost by then — at
    that day's exchange rate. One record per opportunity and month it was open.
-#}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

open_at_month_end as (

    select
        opportunities.*,
        months.month,
        months.measured_through,
    from opportunities
    inner join months
        on opportunities.created_on <= months.measured_through
        and (opportunities.closed_on is null or opportunities.closed_on > months.measured_through)

),

converted as (

    select
        open_at_month_end.*,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from open_at_month_end
    {{ fx_asof_join('fx', 'open_at_month_end.currency', 'open_at_month_end.measured_through') }}

),

final as (

    select
        {{ kpi_record(
            'open_pipeline_amount', 'month', 'opportunity', 'opportunity_code',
            'measured_through', 'account_code', 'contract_number',
            money_times('estimated_amount', 'fx_rate_to_mxn'), 'null',
            "stage || ' · ' || currency || ' ' || cast(estimated_amount as varchar)"
        ) }}
    from converted

)

select * from final
