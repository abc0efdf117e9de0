-- docs/stages-and-kpis.md: every transaction type maps to exactly one stage, and every operational
-- table that records a stage transaction is a transaction type. Compared against the
-- tables actually loaded into raw (system tables — users, audit, reference and settings —
-- excluded; kpi_targets is reference data). Returns the offenders.

with

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

stages as (

    select * from {{ ref('stages') }}

),

raw_tables as (

    select table_name
    from information_schema.tables
    where table_catalog = current_database()
        and table_schema = '{{ source("operational", "accounts").schema }}'
        and table_name not in (
            'users', 'audit_log', 'fx_rates', 'alembic_version', 'app_settings', 'invoice_series',
            'device_models', 'meter_import_profiles', 'kpi_targets'
        )
        and table_name not like '\_dlt%' escape '\'

),

stage_counts as (

    select
        transaction_types.transaction_type,
        count(distinct stages.stage_code) as stage_count,
    from transaction_types
    left join stages
        on transaction_types.stage_code = stages.stage_code
    group by transaction_types.transaction_type

),

final as (

    select
        transaction_type,
        'maps to ' || stage_count || ' stages' as problem,
    from stage_counts
    where stage_count <> 1

    union all

    select
        raw_tables.table_name,
        'raw table without a transaction type (no stage)' as problem,
    from raw_tables
    left join transaction_types
        on raw_tables.table_name = transaction_types.transaction_type
    where transaction_types.transaction_type is null

    union all

    select
        transaction_types.transaction_type,
        'transaction type without a raw table' as problem,
    from transaction_types
    left join raw_tables
        on transaction_types.transaction_type = raw_tables.table_name
    where raw_tables.table_name is null

)

select * from final
