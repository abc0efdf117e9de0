{#-
    One row per consumable request with its delivery time in business hours
    (int_business_calendar) and whether it was delivered within
    var('consumable_delivery_business_days', 2) business days of the request
    (docs/stages-and-kpis.md, consumables_on_time_rate). A business day is the calendar's opening
    hours (9 h), so 2 business days = 18 business hours after the request. A request not
    delivered yet is overdue once that much business time has passed by the as-of date.
-#}

{%- set delivery_days = var('consumable_delivery_business_days', 2) -%}

with

requests as (

    select * from {{ ref('stg_operational__consumable_requests') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

calendar as (

    select * from {{ ref('int_business_calendar') }}

),

as_of as (

    select cast(as_of_date + 1 as timestamp) as as_of_moment,
    from {{ ref('int_as_of_date') }}

),

business_day as (

    select max(business_seconds) as business_day_seconds,
    from calendar

),

timed as (

    select
        requests.*,
        {{ business_seconds_between(
            'requests.requested_at',
            'coalesce(requests.delivered_at, as_of.as_of_moment)',
            'calendar'
        ) }} as delivery_business_seconds,
        {{ delivery_days }} * business_day.business_day_seconds as on_time_limit_seconds,
    from requests
    cross join as_of
    cross join business_day

),

final as (

    select
        timed.request_number,
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
        timed.item,
        timed.quantity,
        timed.requested_at,
        timed.delivered_at,
        cast(date_trunc('month', timed.requested_at) as date) as requested_month,
        cast(date_trunc('month', timed.delivered_at) as date) as delivered_month,
        timed.delivered_at is not null as is_delivered,
        {{ seconds_to_hours('timed.delivery_business_seconds') }} as delivery_business_hours,
        cast({{ delivery_days }} as integer) as on_time_business_days,
        case
            when timed.delivered_at is not null
                then timed.delivery_business_seconds <= timed.on_time_limit_seconds
        end as is_on_time,
        (
            timed.delivered_at is null
            and timed.delivery_business_seconds > timed.on_time_limit_seconds
        ) as is_overdue,
    from timed
    inner join devices
        on timed.device_id = devices.device_id
    inner join contracts
        on devices.contract_id = contracts.contract_id

)

select * from final
