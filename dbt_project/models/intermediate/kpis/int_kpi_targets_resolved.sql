{#-
    The target and amber threshold in force for every KPI and reported month (docs/kpis.md,
    Targets): the latest change recorded in the app (stg_operational__kpi_targets) whose
    effective_from is on or before the month — the latest month first, then the latest
    recorded change of that month — else the kpi_catalog seed's default. A change therefore
    moves the months from its effective_from on and never the months before it.
-#}

with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

changes as (

    select * from {{ ref('stg_operational__kpi_targets') }}

),

grid as (

    select
        catalog.kpi_code,
        months.month,
        catalog.target as default_target,
        catalog.amber as default_amber,
    from catalog
    cross join months

),

in_force as (

    select
        grid.kpi_code,
        grid.month,
        changes.kpi_target_id,
        changes.effective_from,
        changes.target,
        changes.amber,
        changes.reason,
        changes.created_by,
        changes.created_at,
    from grid
    inner join changes
        on grid.kpi_code = changes.kpi_code
        and changes.effective_from <= grid.month
    qualify row_number() over (
        partition by grid.kpi_code, grid.month
        order by changes.effective_from desc, changes.kpi_target_id desc
    ) = 1

),

final as (

    select
        grid.kpi_code,
        grid.month,
        cast(
            case when in_force.kpi_target_id is null then grid.default_target else in_force.target end
            as decimal(18, 6)
        ) as target,
        cast(
            case when in_force.kpi_target_id is null then grid.default_amber else in_force.amber end
            as decimal(18, 6)
        ) as amber,
        cast(case when in_force.kpi_target_id is null then 'default' else 'set' end as varchar)
            as target_source,
        in_force.kpi_target_id,
        in_force.effective_from as target_effective_from,
        in_force.created_by as target_set_by,
        in_force.created_at as target_set_at,
        in_force.reason as target_reason,
    from grid
    left join in_force
        on grid.kpi_code = in_force.kpi_code
        and grid.month = in_force.month

)

select * from final
