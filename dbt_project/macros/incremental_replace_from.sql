{#-
    Incremental strategy "replace_from" (docs/performance.md, "Incremental models"): the
    model's incremental batch holds, for each key it rebuilds (config unique_key, e.g. a
    device), every row from a boundary onward (config slice_column, e.g. read_on) plus one
    marker row at the boundary whose marker_column is null (so a key whose rows all went
    still has its boundary). The target's rows of each such key from its boundary onward
    are deleted, and the batch's rows other than the markers inserted: what comes before a
    boundary is kept as it is.
-#}
{% macro get_incremental_replace_from_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set key = config.get('unique_key') -%}
    {%- set slice = config.get('slice_column') -%}
    {%- set marker = config.get('marker_column') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} as replaced
    using (
        select
            {{ key }},
            min({{ slice }}) as replaced_from,
        from {{ source }}
        group by {{ key }}
    ) as boundaries
    where replaced.{{ key }} = boundaries.{{ key }}
        and replaced.{{ slice }} >= boundaries.replaced_from;

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
    where {{ marker }} is not null
{%- endmacro %}
