{#-
    KPI helpers (docs/stages-and-kpis.md, KPIs per stage; docs/kpis.md).

    kpi_definitions(): how kpi_monthly turns each KPI's records into the month's value.
      ratio_pct  value = 100 × Σ numerator ÷ Σ denominator   (null when Σ denominator = 0)
      median     value = median of the records' numerator     (null without records)
      mean       value = Σ numerator ÷ number of records      (null without records)
      count      value = Σ numerator (records flagged 1)      (0 without records)
      sum        value = Σ numerator (an amount)              (0 without records)
      external   value computed by another mart at month grain (collections)
    `model` is the model (models/marts/kpis/records/) holding the KPI's records (the drill-down rows).
-#}
{% macro kpi_definitions() -%}
    {{ return({
        'win_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__win_rate'},
        'lead_qualification_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__lead_qualification_rate'},
        'sales_cycle_days': {'aggregation': 'median', 'model': 'fct_kpi_records__sales_cycle_days'},
        'open_pipeline_amount': {'aggregation': 'sum', 'model': 'fct_kpi_records__open_pipeline_amount'},
        'won_margin_pct': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__won_margin_pct'},
        'formalization_days': {'aggregation': 'median', 'model': 'fct_kpi_records__formalization_days'},
        'first_pass_approval_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__first_pass_approval_rate'},
        'below_margin_floor': {'aggregation': 'count', 'model': 'fct_kpi_records__below_margin_floor'},
        'won_not_active': {'aggregation': 'count', 'model': 'fct_kpi_records__won_not_active'},
        'go_live_days': {'aggregation': 'median', 'model': 'fct_kpi_records__go_live_days'},
        'on_time_go_live_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__on_time_go_live_rate'},
        'devices_installed': {'aggregation': 'count', 'model': 'fct_kpi_records__devices_installed'},
        'sla_response_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__sla_response_rate'},
        'sla_resolution_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__sla_resolution_rate'},
        'mttr_hours': {'aggregation': 'mean', 'model': 'fct_kpi_records__mttr_hours'},
        'first_time_fix_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__first_time_fix_rate'},
        'preventive_compliance_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__preventive_compliance_rate'},
        'consumables_on_time_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__consumables_on_time_rate'},
        'device_uptime_pct': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__device_uptime_pct'},
        'billed_amount': {'aggregation': 'sum', 'model': 'fct_kpi_records__billed_amount'},
        'actual_read_coverage': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__actual_read_coverage'},
        'billing_accuracy': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__billing_accuracy'},
        'billing_cycle_days': {'aggregation': 'median', 'model': 'fct_kpi_records__billing_cycle_days'},
        'dso_days': {'aggregation': 'external', 'model': none},
        'cei_pct': {'aggregation': 'external', 'model': none},
        'overdue_60_pct': {'aggregation': 'external', 'model': none},
        'payment_receipt_on_time_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__payment_receipt_on_time_rate'},
        'renewal_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__renewal_rate'},
        'logo_churn_rate': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__logo_churn_rate'},
        'grr_pct': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__grr_pct'},
        'nrr_pct': {'aggregation': 'ratio_pct', 'model': 'fct_kpi_records__nrr_pct'},
        'expiring_unattended': {'aggregation': 'count', 'model': 'fct_kpi_records__expiring_unattended'},
    }) }}
{%- endmacro %}

{#-
    round(numerator × factor ÷ denominator, 4) half up with exact integer arithmetic
    (DuckDB's `/` on DECIMAL returns DOUBLE); operands have at most 4 decimals. Null when
    the denominator is not positive: no denominator means no value, not zero.
-#}
{% macro kpi_ratio(numerator, denominator, factor=1) -%}
    case
        when ({{ denominator }}) > 0 then
            cast(
                cast(
                    {{ round_half_up_div(
                        'cast((' ~ numerator ~ ') * 10000 as hugeint) * ' ~ factor ~ ' * 10000',
                        'cast((' ~ denominator ~ ') * 10000 as hugeint)'
                    ) }} as decimal(38, 0)
                ) * cast(0.0001 as decimal(5, 4))
                as decimal(20, 4)
            )
    end
{%- endmacro %}

{#- a KPI figure as the records' DECIMAL(20,4) -#}
{% macro kpi_number(expression) -%}
    cast({{ expression }} as decimal(20, 4))
{%- endmacro %}

{#-
    The columns every fct_kpi_records__* model returns, in this order (fct_kpi_records unions them):
    kpi_code, month, record_type, record_key, record_date, account_code, contract_number,
    numerator, denominator, detail.
-#}
{% macro kpi_record(kpi_code, month, record_type, record_key, record_date, account_code,
                    contract_number, numerator, denominator, detail) -%}
        cast('{{ kpi_code }}' as varchar) as kpi_code,
        cast({{ month }} as date) as month,
        cast('{{ record_type }}' as varchar) as record_type,
        cast({{ record_key }} as varchar) as record_key,
        cast({{ record_date }} as date) as record_date,
        cast({{ account_code }} as varchar) as account_code,
        cast({{ contract_number }} as varchar) as contract_number,
        {{ kpi_number(numerator) }} as numerator,
        {{ kpi_number(denominator) }} as denominator,
        cast({{ detail }} as varchar) as detail,
{%- endmacro %}
