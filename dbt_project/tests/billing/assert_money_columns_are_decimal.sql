-- docs/contract.md: money columns are DECIMAL, never DOUBLE (nor FLOAT/REAL), in every mart
-- and intermediate relation built so far. Returns the offending columns.
-- depends_on: {{ ref('fct_billing_charges') }}
-- depends_on: {{ ref('fct_invoice_reconciliation') }}

with

final as (

    select
        table_schema,
        table_name,
        column_name,
        data_type,
    from information_schema.columns
    where table_catalog = current_database()
        and table_schema in ('staging', 'intermediate', 'marts')
        and regexp_matches(column_name, '(amount|subtotal|^total$|_mxn$|_fee$|charge$)')
        and (data_type in ('DOUBLE', 'FLOAT', 'REAL') or data_type like 'FLOAT%')

)

select * from final
