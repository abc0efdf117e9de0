{#-
    Schemas are exactly the configured name (staging, intermediate, marts, seeds), not
    <target_schema>_<name>: analysts and the dashboards query marts.fct_billing_charges.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
