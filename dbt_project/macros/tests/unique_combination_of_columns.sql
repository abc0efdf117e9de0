{#- The grain: no two rows share the same values of combination_of_columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

final as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count,
    from {{ model }}
    group by all
    having count(*) > 1

)

select * from final

{% endtest %}
