{#-
    Exact decimal arithmetic for money (docs/billing.md: rounding half up, never
    binary approximations). Raw money arrives as decimal text (SQLite) or DECIMAL
    (PostgreSQL): it is cast once, in staging, by to_money / to_rate.

    DuckDB's `/` on DECIMAL operands returns an approximate binary number, so a ratio
    (proration, estimates) is never computed with `/`: round_half_up_div rounds
    numerator / denominator half up (away from zero) in integer (HUGEINT) arithmetic,
    which is exact.
-#}

{% macro to_decimal(column_name, precision, scale) -%}
    cast({{ column_name }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro to_money(column_name) -%}
    {{ to_decimal(column_name, 18, 2) }}
{%- endmacro %}

{% macro to_rate(column_name) -%}
    {{ to_decimal(column_name, 18, 6) }}
{%- endmacro %}

{#- round(numerator / denominator) to an integer, half away from zero; denominator > 0 -#}
{% macro round_half_up_div(numerator, denominator) -%}
    (sign(cast({{ numerator }} as hugeint))
        * ((2 * abs(cast({{ numerator }} as hugeint)) + cast({{ denominator }} as hugeint))
            // (2 * cast({{ denominator }} as hugeint))))
{%- endmacro %}

{#-
    round(amount × numerator / denominator, 2), half up, exactly: amount is DECIMAL(·,2)
    (a fee), numerator/denominator integers (active days / days in month).
-#}
{% macro prorate_money(amount, numerator, denominator) -%}
    cast(
        cast(
            {{ round_half_up_div(
                'cast(' ~ amount ~ ' * 100 as hugeint) * cast(' ~ numerator ~ ' as hugeint)',
                denominator
            ) }} as decimal(38, 0)
        ) * cast(0.01 as decimal(3, 2))
        as decimal(18, 2)
    )
{%- endmacro %}

{#- round(pages × numerator / denominator) half up: prorated page allowances -#}
{% macro prorate_pages(pages, numerator, denominator) -%}
    cast(
        {{ round_half_up_div(
            'cast(' ~ pages ~ ' as hugeint) * cast(' ~ numerator ~ ' as hugeint)',
            denominator
        ) }} as bigint
    )
{%- endmacro %}

{#- round(x, 2) half up, result DECIMAL(18,2); x must be an exact DECIMAL expression -#}
{% macro round_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- amount × rate rounded half up to cents; operands widened so DECIMAL(18) never overflows -#}
{% macro money_times(amount, rate) -%}
    {{ round_money('cast(' ~ amount ~ ' as decimal(38, 2)) * cast(' ~ rate ~ ' as decimal(38, 6))') }}
{%- endmacro %}
