{#-
    One row per day, whole years covering the data: from the earliest business date to the
    latest contract end date or as-of date (date_spine macro; bounds from the data, never
    from the clock), with the Mexican federal holidays and business days used by SLA clocks.
-#}

with

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

holidays as (

    select * from {{ ref('mx_holidays') }}

),

data_dates as (

    select min(start_date) as min_date, max(end_date) as max_date from contracts
    union all
    select min(created_on) as min_date, max(created_on) as max_date
    from {{ ref('stg_operational__opportunities') }}
    union all
    select min(installed_on) as min_date, max(installed_on) as max_date
    from {{ ref('stg_operational__devices') }}
    union all
    select min(issued_on) as min_date, max(issued_on) as max_date
    from {{ ref('stg_operational__invoices') }}
    union all
    select min(received_on) as min_date, max(received_on) as max_date
    from {{ ref('stg_operational__payments') }}
    union all
    select as_of_date as min_date, as_of_date as max_date from as_of

),

bounds as (

    select
        cast(date_trunc('year', min(min_date)) as date) as spine_start,
        cast(date_trunc('year', max(max_date)) + interval 1 year - interval 1 day as date)
            as spine_end,
    from data_dates

),

spine as (

    {{ date_spine('bounds', 'spine_start', 'spine_end') }}

),

final as (

    select
        spine.date_day,
        cast(year(spine.date_day) as integer) as year,
        cast(quarter(spine.date_day) as integer) as quarter,
        cast(month(spine.date_day) as integer) as month,
        cast(date_trunc('month', spine.date_day) as date) as month_start,
        last_day(spine.date_day) as month_end,
        cast(day(last_day(spine.date_day)) as integer) as days_in_month,
        cast(day(spine.date_day) as integer) as day_of_month,
        cast(isodow(spine.date_day) as integer) as iso_day_of_week,
        cast(weekofyear(spine.date_day) as integer) as iso_week,
        [
            'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio',
            'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'
        ][month(spine.date_day)] as month_name_es,
        monthname(spine.date_day) as month_name_en,
        [
            'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'
        ][isodow(spine.date_day)]
            as day_name_es,
        dayname(spine.date_day) as day_name_en,
        isodow(spine.date_day) >= 6 as is_weekend,
        holidays.holiday_date is not null as is_holiday,
        holidays.name_es as holiday_name_es,
        holidays.name_en as holiday_name_en,
        isodow(spine.date_day) < 6 and holidays.holiday_date is null as is_business_day,
        spine.date_day = last_day(spine.date_day) as is_month_end,
    from spine
    left join holidays
        on spine.date_day = holidays.holiday_date

)

select * from final
