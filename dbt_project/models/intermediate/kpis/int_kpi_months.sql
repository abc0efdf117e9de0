{#-
    The months kpi_monthly reports: from the first month with any recorded business activity
    (an opportunity, an activation, an install, a ticket, a reading, an invoice) through the
    as-of month. `measured_through` is the day "at month end" KPIs are taken on: the
    month's last day, or the as-of date in the as-of month, which is partial until it ends.
-#}

with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

first_dates as (

    select min(created_on) as first_date from {{ ref('stg_operational__opportunities') }}
    union all
    select min(activated_on) from {{ ref('stg_operational__contracts') }}
    union all
    select min(installed_on) from {{ ref('stg_operational__devices') }}
    union all
    select min(cast(opened_at as date)) from {{ ref('stg_operational__tickets') }}
    union all
    select min(read_on) from {{ ref('stg_operational__meter_readings') }}
    union all
    select min(issued_on) from {{ ref('stg_operational__invoices') }}

),

bounds as (

    select
        cast(
            date_trunc('month', coalesce(min(first_dates.first_date), any_value(as_of.as_of_date)))
            as date
        ) as first_month,
        any_value(as_of.as_of_month_start) as last_month,
        any_value(as_of.as_of_date) as as_of_date,
    from first_dates
    cross join as_of

),

months as (

    select
        cast({{ month_series('first_month', 'last_month') }} as date) as month,
        as_of_date,
    from bounds
    where first_month <= last_month

),

final as (

    select
        month,
        {{ month_end('month') }} as month_end,
        least({{ month_end('month') }}, as_of_date) as measured_through,
        {{ month_end('month') }} > as_of_date as is_partial,
        cast(row_number() over (order by month) as integer) as month_number,
    from months

)

select * from final
