{#-
    The business "today" as a SQL expression. Models use it instead of the system clock:
    var('as_of_date') when given, else the latest business date in the data
    (int_as_of_date), so a build is a pure function of its inputs.
-#}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('int_as_of_date') }})
{%- endmacro %}

{#- months (first days) from start_month to end_month inclusive, as DATEs, one row each -#}
{% macro month_series(start_month, end_month) -%}
    unnest(generate_series(
        cast({{ start_month }} as timestamp),
        cast({{ end_month }} as timestamp),
        interval 1 month
    ))
{%- endmacro %}

{#- last day of the month of a date -#}
{% macro month_end(date_expression) -%}
    last_day(cast({{ date_expression }} as date))
{%- endmacro %}
