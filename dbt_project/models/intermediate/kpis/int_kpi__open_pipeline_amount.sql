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

fx_rates as (

    select * from {{ ref('stg_operational__fx_rates') }}

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
        case
            when open_at_month_end.currency = 'MXN' then cast(1 as decimal(18, 6))
            else fx_rates.mxn_per_unit
        end as fx_rate_to_mxn,
    from open_at_month_end
    asof left join fx_rates
        on open_at_month_end.currency = fx_rates.currency
        and open_at_month_end.measured_through >= fx_rates.rate_date

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
