{#-
    The business "today", one row. var('as_of_date') when passed (--vars), else the latest
    business date recorded in the data: readings, invoices, payments, credit notes,
    tickets, stage changes, monitoring events. Never the clock.
-#}
{%- set as_of_var = var('as_of_date', none) -%}
{#- an empty warehouse still builds: it falls back to the start of the data's epoch -#}
{%- set as_of_expression = (
    "max(cast('" ~ as_of_var ~ "' as date))" if as_of_var
    else "coalesce(max(business_date), cast('2020-01-01' as date))"
) -%}

with

business_dates as (

    select max(read_on) as business_date from {{ ref('stg_operational__meter_readings') }}
    union all
    select max(issued_on) as business_date from {{ ref('stg_operational__invoices') }}
    union all
    select max(issued_on) as business_date from {{ ref('stg_operational__credit_notes') }}
    union all
    select max(received_on) as business_date from {{ ref('stg_operational__payments') }}
    union all
    select max(changed_on) as business_date
    from {{ ref('stg_operational__opportunity_stage_changes') }}
    union all
    select max(cast(opened_at as date)) as business_date from {{ ref('stg_operational__tickets') }}
    union all
    select max(cast(event_at as date)) as business_date
    from {{ ref('stg_operational__device_events') }}
    union all
    select max(installed_on) as business_date from {{ ref('stg_operational__devices') }}

),

resolved as (

    select
        {{ as_of_expression }} as as_of_date,
        '{{ 'var' if as_of_var else 'data' }}' as as_of_source,
    from business_dates

),

final as (

    select
        as_of_date,
        cast(date_trunc('month', as_of_date) as date) as as_of_month_start,
        {{ month_end('as_of_date') }} as as_of_month_end,
        as_of_source,
    from resolved

)

select * from final
