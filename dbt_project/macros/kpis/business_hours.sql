{#-
    SLA clocks in business time (docs/stages-and-kpis.md: Monday–Friday 09:00–18:00
    America/Mexico_City, Mexican federal holidays excluded). Business timestamps in the
    operational store are naive America/Mexico_City wall time, so no time-zone conversion
    happens here.

    The calendar (int_business_calendar, one row per day) carries, for each day, the
    business seconds elapsed before it (a running sum). The business clock at a moment is
    then that running sum plus the business seconds of its own day up to the moment, and
    the business time between two moments is the difference of their clocks: one lookup
    per timestamp, whatever the distance between them (weekends, holidays, long tickets).
    Moments outside the calendar's range give null.
-#}

{#- business seconds from the calendar's first day to a wall-clock timestamp -#}
{% macro business_seconds_at(timestamp_expression, calendar=none) -%}
    {%- set calendar = calendar or ref('int_business_calendar') -%}
    (
        select
            business_calendar.business_seconds_before
            + least(
                greatest(
                    {{ seconds_of_day(timestamp_expression) }} - business_calendar.opens_at_second,
                    0
                ),
                business_calendar.business_seconds
            )
        from {{ calendar }} as business_calendar
        where business_calendar.date_day = cast({{ timestamp_expression }} as date)
    )
{%- endmacro %}

{#- whole seconds since midnight of a timestamp (sub-second parts ignored) -#}
{% macro seconds_of_day(timestamp_expression) -%}
    (hour({{ timestamp_expression }}) * 3600
        + minute({{ timestamp_expression }}) * 60
        + second({{ timestamp_expression }}))
{%- endmacro %}

{#- business seconds from start to end (0 when end is not after start; null if either is) -#}
{% macro business_seconds_between(start_expression, end_expression, calendar=none) -%}
    greatest(
        {{ business_seconds_at(end_expression, calendar) }}
        - {{ business_seconds_at(start_expression, calendar) }},
        0
    )
{%- endmacro %}

{#- business hours from start to end as DECIMAL(18,4), exact (seconds ÷ 3600 half up) -#}
{% macro business_hours_between(start_expression, end_expression, calendar=none) -%}
    {{ seconds_to_hours(business_seconds_between(start_expression, end_expression, calendar)) }}
{%- endmacro %}

{#- an integer count of seconds as hours, DECIMAL(18,4), rounded half up without floats -#}
{% macro seconds_to_hours(seconds_expression) -%}
    cast(
        cast({{ round_half_up_div('(' ~ seconds_expression ~ ') * 10000', 3600) }} as decimal(38, 0))
        * cast(0.0001 as decimal(5, 4))
        as decimal(18, 4)
    )
{%- endmacro %}
