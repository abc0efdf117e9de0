{#-
    The retention cohort behind grr_pct and nrr_pct (docs/kpis.md): per reported month, the
    accounts with a recurring fee 12 months before (mrr_then, MXN, fct_account_mrr) and
    their fee now (mrr_now; 0 for an account gone since). The two KPIs differ only in the
    numerator they take from it: grr caps the fee now at the fee then, nrr does not.
    A select for a CTE named `cohort`.
-#}
{% macro mrr_retention_cohort() -%}
    select
        months.month,
        months.measured_through,
        mrr_then.account_code,
        mrr_then.mrr_mxn as mrr_then,
        coalesce(mrr_now.mrr_mxn, cast(0 as decimal(18, 2))) as mrr_now,
    from {{ ref('int_kpi_months') }} as months
    inner join {{ ref('fct_account_mrr') }} as mrr_then
        on mrr_then.month = cast(months.month - interval 12 month as date)
    left join {{ ref('fct_account_mrr') }} as mrr_now
        on mrr_then.account_code = mrr_now.account_code
        and months.month = mrr_now.month
{%- endmacro %}

{#- One kpi_record per cohort account; `numerator` is the KPI's only difference. -#}
{% macro mrr_retention_record(kpi_code, numerator) -%}
    {{ kpi_record(
        kpi_code,
        'cohort.month',
        'account',
        'cohort.account_code',
        'cohort.measured_through',
        'cohort.account_code',
        'null',
        numerator,
        'cohort.mrr_then',
        "'MRR then ' || cast(cohort.mrr_then as varchar) || ' · now '"
        ~ " || cast(cohort.mrr_now as varchar)"
    ) }}
{%- endmacro %}
