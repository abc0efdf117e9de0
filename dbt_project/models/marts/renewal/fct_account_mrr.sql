{#-
    Account × month monthly recurring revenue in MXN (docs/stages-and-kpis.md, grr_pct / nrr_pct):
    the fixed monthly fees of the account's contracts active on the month's measurement day
    (int_contract_mrr_monthly). One row per account and month with at least one active
    contract; an account without one that month has no row (its MRR is zero).
-#}

with

contract_mrr as (

    select * from {{ ref('int_contract_mrr_monthly') }}

),

final as (

    select
        account_code,
        month,
        any_value(measured_through) as measured_on,
        cast(count(*) as integer) as active_contract_count,
        -- unknown (null) while any of its contracts lacks an exchange rate that month: a
        -- partial sum would understate the account without saying so (fct_data_issues)
        case
            when count(fixed_monthly_fee_mxn) = count(*)
                then cast(sum(fixed_monthly_fee_mxn) as decimal(18, 2))
        end as mrr_mxn,
        cast(count(*) - count(fixed_monthly_fee_mxn) as integer) as unconverted_contract_count,
        string_agg(distinct currency, ', ' order by currency) as currencies,
    from contract_mrr
    group by account_code, month

)

select * from final
