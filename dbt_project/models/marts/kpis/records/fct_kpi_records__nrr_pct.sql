{#-
    nrr_pct: recurring monthly fee (MXN, fct_account_mrr) now of the accounts that were
    active 12 months before, not capped (expansion counts), ÷ their fee then. One record per account active 12
    months before the month; an account gone since counts 0 now.
-#}

with

mrr as (

    select * from {{ ref('fct_account_mrr') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

cohort as (

    select
        months.month,
        months.measured_through,
        mrr_then.account_code,
        mrr_then.mrr_mxn as mrr_then,
        coalesce(mrr_now.mrr_mxn, cast(0 as decimal(18, 2))) as mrr_now,
    from months
    inner join mrr as mrr_then
        on mrr_then.month = cast(months.month - interval 12 month as date)
    left join mrr as mrr_now
        on mrr_then.account_code = mrr_now.account_code
        and months.month = mrr_now.month

),

final as (

    select
        {{ kpi_record(
            'nrr_pct',
            'cohort.month',
            'account',
            'cohort.account_code',
            'cohort.measured_through',
            'cohort.account_code',
            'null',
            'cohort.mrr_now',
            'cohort.mrr_then',
            "'MRR then ' || cast(cohort.mrr_then as varchar) || ' · now '"
            ~ " || cast(cohort.mrr_now as varchar)"
        ) }}
    from cohort

)

select * from final
