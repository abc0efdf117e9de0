{#-
    The business calendar of the SLA clocks (docs/stages-and-kpis.md: Monday–Friday 09:00–18:00
    America/Mexico_City, Mexican federal holidays excluded; the holidays are the
    changeable mx_holidays seed). One row per day over whole years covering every business
    timestamp and the as-of date, with a running sum of business seconds so that the
    business time between two moments is one subtraction (macros/kpis/business_hours.sql).
    Opening and closing times are vars (sla_day_opens_at / sla_day_closes_at) with the
    defaults of docs/stages-and-kpis.md (09:00–18:00).
-#}

{%- set opens_at = var('sla_day_opens_at', '09:00:00') -%}
{%- set closes_at = var('sla_day_closes_at', '18:00:00') -%}

with

holidays as (

    select * from {{ ref('mx_holidays') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

business_dates as (

    select
        min(cast(opened_at as date)) as min_date,
        max(cast(coalesce(closed_at, resolved_at, opened_at) as date)) as max_date,
    from {{ ref('stg_operational__tickets') }}

    union all

    select
        min(cast(paused_at as date)) as min_date,
        max(cast(coalesce(resumed_at, paused_at) as date)) as max_date,
    from {{ ref('stg_operational__ticket_pauses') }}

    union all

    select
        min(cast(requested_at as date)) as min_date,
        max(cast(coalesce(delivered_at, requested_at) as date)) as max_date,
    from {{ ref('stg_operational__consumable_requests') }}

    union all

    select
        as_of_date as min_date,
        as_of_date as max_date,
    from as_of

),

bounds as (

    select
        cast(date_trunc('year', min(min_date)) as date) as spine_start,
        -- a year past the last date, so clocks still running at the as-of date resolve
        cast(date_trunc('year', max(max_date)) + interval 2 year - interval 1 day as date)
            as spine_end,
    from business_dates

),

spine as (

    {{ date_spine('bounds', 'spine_start', 'spine_end') }}

),

days as (

    select
        spine.date_day,
        isodow(spine.date_day) >= 6 as is_weekend,
        holidays.holiday_date is not null as is_holiday,
        holidays.name_es as holiday_name_es,
        isodow(spine.date_day) < 6 and holidays.holiday_date is null as is_business_day,
    from spine
    left join holidays
        on spine.date_day = holidays.holiday_date

),

hours as (

    select
        days.*,
        cast({{ seconds_of_day("cast('" ~ opens_at ~ "' as time)") }} as integer)
            as opens_at_second,
        case
            when days.is_business_day
                then cast(
                        {{ seconds_of_day("cast('" ~ closes_at ~ "' as time)") }}
                        - {{ seconds_of_day("cast('" ~ opens_at ~ "' as time)") }}
                        as integer
                    )
            else 0
        end as business_seconds,
    from days

),

final as (

    select
        date_day,
        is_weekend,
        is_holiday,
        holiday_name_es,
        is_business_day,
        opens_at_second,
        business_seconds,
        cast(
            coalesce(
                sum(business_seconds) over (
                    order by date_day rows between unbounded preceding and 1 preceding
                ),
                0
            ) as bigint
        ) as business_seconds_before,
        cast(
            sum(case when is_business_day then 1 else 0 end) over (
                order by date_day rows between unbounded preceding and current row
            ) as integer
        ) as business_day_number,
    from hours

)

select * from final
