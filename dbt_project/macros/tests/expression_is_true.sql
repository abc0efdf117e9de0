{#- Rows where the boolean expression is not true fail (nulls fail too unless coalesced). -#}
{% test expression_is_true(model, expression, column_name=none) %}

with

final as (

    select *
    from {{ model }}
    {% if column_name is not none -%}
    where not coalesce(({{ column_name }} {{ expression }}), false)
    {%- else -%}
    where not coalesce(({{ expression }}), false)
    {%- endif %}

)

select * from final

{% endtest %}
