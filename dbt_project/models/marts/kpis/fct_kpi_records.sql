{#-
    The records behind every KPI figure (the drill-down of the stage pages): one row per
    KPI, month and record (opportunity, contract, ticket, device-month, invoice, …) with
    what it adds to the month's numerator and denominator. kpi_monthly aggregates exactly
    these rows, so a figure and its drill-down always agree. The collections KPIs
    (dso_days, cei_pct, overdue_60_pct) are computed at month grain by the collections
    marts and have no rows here. A record dated after the as-of date is not known yet and
    is left out (it only exists when the as-of date is pinned in the past).
-#}

{%- set kpi_models = [] -%}
{%- for definition in kpi_definitions().values() if definition.model -%}
    {%- do kpi_models.append(definition.model) -%}
{%- endfor -%}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

records as (

    {% for kpi_model in kpi_models %}
        select * from {{ ref(kpi_model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(catalog.stage_code as varchar) as stage_code,
        records.kpi_code,
        records.month,
        records.record_type,
        records.record_key,
        records.record_date,
        records.account_code,
        records.contract_number,
        records.numerator,
        records.denominator,
        records.detail,
    from records
    inner join catalog
        on records.kpi_code = catalog.kpi_code
    inner join as_of
        on coalesce(records.record_date <= as_of.as_of_date, true)

)

select * from final
