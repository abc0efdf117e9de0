{#-
    first_pass_approval_rate: contracts activated in the month with no rejected
    formalization step ÷ contracts activated in the month (captured contracts, with no steps
    recorded, left out).
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
            'first_pass_approval_rate',
            'months.month',
            'contract',
            'formalizations.contract_number',
            'formalizations.activated_on',
            'formalizations.account_code',
            'formalizations.contract_number',
            'case when formalizations.is_first_pass then 1 else 0 end',
            '1',
            "coalesce('rejected: ' || formalizations.rejected_steps, 'first pass')"
        ) }}
    from formalizations
    inner join months
        on formalizations.activated_month = months.month
    where formalizations.step_decisions > 0

)

select * from final
