{#-
    below_margin_floor: contracts activated in the month whose plan margin is under
    var('margin_floor'). One record per contract activated in the month with a known margin;
    numerator 1 when under the floor.
-#}

with

formalizations as (

    select * from {{ ref('fct_formalizations') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'below_margin_floor',
            'months.month',
            'contract',
            'formalizations.contract_number',
            'formalizations.activated_on',
            'formalizations.account_code',
            'formalizations.contract_number',
            'case when formalizations.is_below_margin_floor then 1 else 0 end',
            'null',
            "'margin ' || cast(formalizations.plan_margin_pct as varchar) || ' % (floor '"
            ~ " || cast(formalizations.margin_floor_pct as varchar) || ' %)'"
        ) }}
    from formalizations
    inner join months
        on formalizations.activated_month = months.month
    where formalizations.plan_margin_pct is not null

)

select * from final
