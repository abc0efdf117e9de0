{#-
    The SLA calendar: weekends and mx_holidays have no business time, business days all the
    same positive length (9 h by default), and the running sum of business seconds adds up
    day by day (macros/kpis/business_hours.sql relies on it).
-#}

with

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

holidays as (

    select * from {{ ref('mx_holidays') }}

),

checked as (

    select
        calendar.*,
        lag(calendar.business_seconds_before + calendar.business_seconds) over (
            order by calendar.date_day
        ) as expected_before,
        holidays.holiday_date is not null as is_seed_holiday,
        max(calendar.business_seconds) over () as business_day_seconds,
    from calendar
    left join holidays
        on calendar.date_day = holidays.holiday_date

),

final as (

    select *
    from checked
    where
        (is_seed_holiday or isodow(date_day) >= 6) and (is_business_day or business_seconds <> 0)
        or (is_business_day and (business_seconds <= 0 or business_seconds <> business_day_seconds))
        or (expected_before is not null and business_seconds_before <> expected_before)

)

select * from final
