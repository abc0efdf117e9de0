{#-
    The columns every document line shares — invoice, credit note and draft lines alike
    (operational_app/store/models.py, _DocumentLine) — renamed and cast once for the three
    staging models, grouped as staging SQL groups its columns (docs/conventions.md, "dbt").
    Each model adds its own ids before these.
-#}
{% macro document_line_columns() -%}
        -- strings
        cast(kind as varchar) as kind,
        cast(meter as varchar) as meter,
        cast(description as varchar) as description,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(line_number as integer) as line_number,
        cast(tier_from_page as bigint) as tier_from_page,
        {{ to_decimal('quantity', 18, 6) }} as quantity,
        {{ to_rate('unit_price') }} as unit_price,
        {{ to_money('amount') }} as amount,
        {{ to_money('tax_amount') }} as tax_amount,

        -- booleans
        cast(is_estimated as boolean) as is_estimated,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
{%- endmacro %}
