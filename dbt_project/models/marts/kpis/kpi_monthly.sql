{#-
    Every KPI of stages-and-kpis.md for every month from the first month of recorded activity
    through the as-of month (int_kpi_months), with the target and amber threshold in force
    that month (int_kpi_targets_resolved: the latest change set in the app, else the
    kpi_catalog seed's default) and the status it gives. Values come from the KPI's records (fct_kpi_records) by the
    KPI's aggregation (macros/kpis/kpis.sql, kpi_definitions), or, for dso_days, cei_pct
    and overdue_60_pct, from the collections mart fct_collections_monthly. A KPI with no
    denominator in a month is null, not zero; counts and amounts are 0 when nothing
    happened. Status: green when the value meets the target (direction-aware), amber when
    it meets the amber threshold, red otherwise; null when there is no value or no target.
-#}

{%- set definitions = kpi_definitions() -%}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

stages as (

    select * from {{ ref('stages') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

targets as (

    select * from {{ ref('int_kpi_targets_resolved') }}

),

records as (

    select * from {{ ref('fct_kpi_records') }}

),

collections as (

    select * from {{ ref('fct_collections_monthly') }}

),

definitions as (

    select
        kpi_definitions.kpi_code,
        kpi_definitions.aggregation,
        kpi_definitions.kpi_order,
    from (
        values
        {% for kpi_code, definition in definitions.items() -%}
            ('{{ kpi_code }}', '{{ definition.aggregation }}', {{ loop.index }})
            {{- ',' if not loop.last }}
        {% endfor %}
    ) as kpi_definitions (kpi_code, aggregation, kpi_order)

),

aggregated as (

    select
        kpi_code,
        month,
        count(*) as record_count,
        sum(numerator) as numerator_sum,
        sum(denominator) as denominator_sum,
        median(numerator) as numerator_median,
    from records
    group by kpi_code, month

),

external as (

    select
        'dso_days' as kpi_code,
        month,
        dso_days as value,
        open_ar_mxn as numerator,
        invoiced_90d_mxn as denominator,
        invoices_90d_count as record_count,
    from collections

    union all

    select
        'cei_pct' as kpi_code,
        month,
        cei_pct as value,
        cei_numerator_mxn as numerator,
        cei_denominator_mxn as denominator,
        null as record_count,
    from collections

    union all

    select
        'overdue_60_pct' as kpi_code,
        month,
        overdue_60_pct as value,
        overdue_60_mxn as numerator,
        open_ar_mxn as denominator,
        open_invoice_count as record_count,
    from collections

),

grid as (

    select
        catalog.stage_code,
        stages.stage_id,
        catalog.kpi_code,
        catalog.name_es,
        catalog.name_en,
        catalog.unit,
        catalog.direction,
        targets.target,
        targets.amber,
        targets.target_source,
        definitions.aggregation,
        definitions.kpi_order,
        months.month,
        months.is_partial,
    from catalog
    inner join stages
        on catalog.stage_code = stages.stage_code
    cross join months
    left join definitions
        on catalog.kpi_code = definitions.kpi_code
    left join targets
        on catalog.kpi_code = targets.kpi_code
        and months.month = targets.month

),

valued as (

    select
        grid.*,
        case grid.aggregation
            when 'ratio_pct'
                then {{ kpi_ratio('aggregated.numerator_sum', 'aggregated.denominator_sum', 100) }}
            when 'median' then {{ kpi_number('aggregated.numerator_median') }}
            when 'mean' then {{ kpi_ratio('aggregated.numerator_sum', 'aggregated.record_count') }}
            when 'count' then {{ kpi_number('coalesce(aggregated.numerator_sum, 0)') }}
            when 'sum' then {{ kpi_number('coalesce(aggregated.numerator_sum, 0)') }}
            when 'external' then {{ kpi_number('external.value') }}
        end as value,
        case grid.aggregation
            when 'median' then null
            when 'count' then {{ kpi_number('coalesce(aggregated.numerator_sum, 0)') }}
            when 'sum' then {{ kpi_number('coalesce(aggregated.numerator_sum, 0)') }}
            when 'external' then {{ kpi_number('external.numerator') }}
            else {{ kpi_number('aggregated.numerator_sum') }}
        end as numerator,
        case grid.aggregation
            when 'ratio_pct' then {{ kpi_number('aggregated.denominator_sum') }}
            when 'median' then {{ kpi_number('coalesce(aggregated.record_count, 0)') }}
            when 'mean' then {{ kpi_number('coalesce(aggregated.record_count, 0)') }}
            when 'external' then {{ kpi_number('external.denominator') }}
        end as denominator,
        cast(
            case
                when grid.aggregation = 'external' then external.record_count
                else coalesce(aggregated.record_count, 0)
            end as integer
        ) as record_count,
    from grid
    left join aggregated
        on grid.kpi_code = aggregated.kpi_code
        and grid.month = aggregated.month
    left join external
        on grid.kpi_code = external.kpi_code
        and grid.month = external.month

),

final as (

    select
        cast(stage_code as varchar) as stage_code,
        cast(kpi_code as varchar) as kpi_code,
        cast(month as date) as month,
        value,
        cast(target as decimal(20, 4)) as target,
        cast(amber as decimal(20, 4)) as amber,
        cast(target_source as varchar) as target_source,
        cast(
            case
                when value is null or target is null then null
                when direction = 'up' and value >= target then 'green'
                when direction = 'up' and value >= amber then 'amber'
                when direction = 'down' and value <= target then 'green'
                when direction = 'down' and value <= amber then 'amber'
                else 'red'
            end as varchar
        ) as status,
        numerator,
        denominator,
        record_count,
        cast(stage_id as integer) as stage_id,
        cast(kpi_order as integer) as kpi_order,
        cast(name_es as varchar) as kpi_name_es,
        cast(name_en as varchar) as kpi_name_en,
        cast(unit as varchar) as unit,
        cast(direction as varchar) as direction,
        cast(aggregation as varchar) as aggregation,
        is_partial as is_partial_month,
    from valued

)

select * from final
