{#-
    The price plan in force on a day, one rule for every model (docs/billing.md, "Periods and
    plans"): a contract's plan versions follow each other by effective_from; a version is in
    force from its effective_from through the day before the next one; the first version also
    governs the days before its own effective_from (a contract signed before its first plan
    was captured is still billed on it).

    price_plans_in_force(relation) is a select for a CTE: the plan versions with
    `in_force_from` (null for the first version: "from the start") and `in_force_through`
    (null for the latest: "until further notice"). plan_in_force_on(alias, day) is the join
    condition that picks the one version in force on `day`:

        plans as ({{ price_plans_in_force(ref('stg_operational__price_plans')) }}),
        …
        left join plans
            on periods.contract_id = plans.contract_id
            and {{ plan_in_force_on('plans', 'periods.period_start') }}

    marts.dim_price_plan exposes the same two columns, so a page that looks a plan up for a
    day filters on them instead of writing the rule again.
-#}

{% macro price_plans_in_force(relation) -%}
    select
        versions.*,
        case
            when row_number() over (
                partition by versions.contract_id
                order by versions.effective_from, versions.price_plan_id
            ) > 1
                then versions.effective_from
        end as in_force_from,
        cast(
            lead(versions.effective_from) over (
                partition by versions.contract_id
                order by versions.effective_from, versions.price_plan_id
            ) - 1 as date
        ) as in_force_through,
    from {{ relation }} as versions
{%- endmacro %}

{% macro plan_in_force_on(alias, day) -%}
    coalesce({{ alias }}.in_force_from <= {{ day }}, true)
    and coalesce({{ alias }}.in_force_through >= {{ day }}, true)
{%- endmacro %}
