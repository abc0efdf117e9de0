{#-
    Every KPI of the catalog has a row in kpi_monthly for every reported month, and a known
    aggregation (a catalog row with no formula in macros/kpis/kpis.sql fails here), and
    every formula of kpi_definitions() has its catalog row (names, unit, targets): the seed
    owns what a KPI is called and aims at, the macro how its figure is computed, and this
    test keeps the two lists one.
-#}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

kpi_monthly as (

    select * from {{ ref('kpi_monthly') }}

),

defined as (

    select definitions.kpi_code
    from (
        values
        {% for kpi_code in kpi_definitions() -%}
            ('{{ kpi_code }}'){% if not loop.last %},{% endif %}
        {% endfor %}
    ) as definitions (kpi_code)

),

expected as (

    select
        catalog.kpi_code,
        months.month,
    from catalog
    cross join months

),

final as (

    select
        expected.kpi_code,
        expected.month,
        'no row in kpi_monthly' as problem,
    from expected
    left join kpi_monthly
        on expected.kpi_code = kpi_monthly.kpi_code
        and expected.month = kpi_monthly.month
    where kpi_monthly.kpi_code is null

    union all

    select
        catalog.kpi_code,
        null as month,
        'no rows at all' as problem,
    from catalog
    left join kpi_monthly
        on catalog.kpi_code = kpi_monthly.kpi_code
    where kpi_monthly.kpi_code is null

    union all

    select
        kpi_monthly.kpi_code,
        kpi_monthly.month,
        'no aggregation defined' as problem,
    from kpi_monthly
    where kpi_monthly.aggregation is null

    union all

    select
        defined.kpi_code,
        null as month,
        'formula without a catalog row' as problem,
    from defined
    left join catalog
        on defined.kpi_code = catalog.kpi_code
    where catalog.kpi_code is null

)

select * from final
