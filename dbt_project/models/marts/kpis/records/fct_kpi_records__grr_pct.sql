{#-
    grr_pct: recurring monthly fee (MXN, fct_account_mrr) now of the accounts that were
    active 12 months before, capped at their fee then (expansion does not count), ÷ their
    fee then.
    One record per account active 12 months before the month; an account gone since
    counts 0 now. The cohort is shared with the other retention KPI
    (macros/kpis/retention.sql).
-#}

with

cohort as (

    {{ mrr_retention_cohort() }}

),

final as (

    select {{ mrr_retention_record('grr_pct', 'least(cohort.mrr_now, cohort.mrr_then)') }}
    from cohort

)

select * from final
