{#-
    round(numerator × factor ÷ denominator, 2), half up, with exact integer arithmetic
    (DuckDB's `/` on DECIMAL returns DOUBLE). numerator and denominator are money (2
    decimals); factor a positive integer (90 for DSO days, 100 for percentages).
    Null when the denominator is not positive: the ratio is undefined, not zero
    (docs/collections.md, DSO and CEI).
-#}
{% macro ratio_half_up(numerator, denominator, factor) -%}
    case
        when ({{ denominator }}) > 0 then
            cast(
                cast(
                    {{ round_half_up_div(
                        'cast((' ~ numerator ~ ') * 100 as hugeint) * ' ~ factor ~ ' * 100',
                        'cast((' ~ denominator ~ ') * 100 as hugeint)'
                    ) }} as decimal(38, 0)
                ) * cast(0.01 as decimal(3, 2))
                as decimal(18, 2)
            )
    end
{%- endmacro %}
