{#-
    formalization_days: median days won → contract activated, for contracts activated in the
    month that came from a won opportunity. One record per such contract.
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
            'formalization_days',
            'months.month',
            'contract',
            'formalizations.contract_number',
            'formalizations.activated_on',
            'formalizations.account_code',
            'formalizations.contract_number',
            'formalizations.formalization_days',
            '1',
            "'won ' || cast(formalizations.won_on as varchar)"
        ) }}
    from formalizations
    inner join months
        on formalizations.activated_month = months.month
    where formalizations.won_on is not null

)

select * from final
