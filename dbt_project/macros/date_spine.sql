{#-
    One row per day from start_column to end_column (inclusive) of a one-row bounds
    relation or CTE. The bounds come from the data (dim_date), never from the clock.
-#}
{% macro date_spine(bounds, start_column, end_column) -%}
    select
        cast(unnest(generate_series(
            cast({{ start_column }} as timestamp),
            cast({{ end_column }} as timestamp),
            interval 1 day
        )) as date) as date_day,
    from {{ bounds }}
{%- endmacro %}
