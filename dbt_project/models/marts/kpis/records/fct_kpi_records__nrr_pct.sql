{#-
    nrr_pct: recurring monthly fee (MXN, fct_account_mrr) now of the accounts that were
    active 12 months before, not capped (expansion counts), ÷ their fee then.
    One record per account active 12 months before the month; an account gone since
    counts 0 now. The cohort is shared with the other retention KPI
    (macros/kpis/retention.sql).
-#}

with

cohort as (

    {{ mrr_retention_cohort() }}

),

final as (

    select {{ mrr_retention_record('nrr_pct', 'cohort.mrr_now') }}
    from cohort

)

select * from final
