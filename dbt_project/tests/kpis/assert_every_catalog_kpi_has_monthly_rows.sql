{#-
    Every KPI of the catalog has a row in kpi_monthly for every reported month, and a known
    aggregation (a catalog row with no formula in macros/kpis/kpis.sql fails here).
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

)

select * from final
