{#-
    Conversion to MXN, one rule for every model (docs/billing.md, "Currencies"): the rate is
    the currency's latest one dated on or before the amount's date (int_fx_rates_in_force,
    MXN at 1). Use in a FROM clause:

        from invoices
        {{ fx_asof_join('fx', 'invoices.currency', 'invoices.issued_on') }}

    then select `fx.mxn_per_unit` (null when the currency has no rate yet on that date) and
    `{{ fx_rate_date('fx', 'invoices.issued_on') }}`. An ASOF join keeps it one probe per
    row at any scale.
-#}

{% macro fx_asof_join(alias, currency_column, on_date) -%}
    asof left join {{ ref('int_fx_rates_in_force') }} as {{ alias }}
        on {{ currency_column }} = {{ alias }}.currency
        and {{ on_date }} >= {{ alias }}.valid_from
{%- endmacro %}

{#- the date of the rate used: the amount's own date for MXN (converted at 1) -#}
{% macro fx_rate_date(alias, on_date) -%}
    case when {{ alias }}.currency = 'MXN' then {{ on_date }} else {{ alias }}.rate_date end
{%- endmacro %}
