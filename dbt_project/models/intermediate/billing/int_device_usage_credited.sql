{#-
    Device × period usage with the technicians' test copies credited
    (docs/meter-readings.md, "Service and test copies"): the test pages recorded on the
    tickets resolved and the maintenance visits done in the period are subtracted from the
    device's usage of that period, never below zero; an excess is not carried (the pages
    were printed in that period or not at all). The charge bills `billable_*_pages`.
-#}

with

usage as (

    select * from {{ ref('int_meter_counters_effective') }}

),

tickets as (

    select * from {{ ref('stg_operational__tickets') }}

),

visits as (

    select * from {{ ref('stg_operational__maintenance_visits') }}

),

test_copies as (

    select
        device_id,
        cast(date_trunc('month', resolved_at) as date) as period_start,
        coalesce(test_mono_pages, 0) as test_mono_pages,
        coalesce(test_color_pages, 0) as test_color_pages,
    from tickets
    where device_id is not null
        and resolved_at is not null
        and (test_mono_pages > 0 or test_color_pages > 0)

    union all

    select
        device_id,
        cast(date_trunc('month', done_on) as date) as period_start,
        coalesce(test_mono_pages, 0) as test_mono_pages,
        coalesce(test_color_pages, 0) as test_color_pages,
    from visits
    where done_on is not null
        and (test_mono_pages > 0 or test_color_pages > 0)

),

test_pages as (

    select
        device_id,
        period_start,
        cast(sum(test_mono_pages) as bigint) as test_mono_pages,
        cast(sum(test_color_pages) as bigint) as test_color_pages,
    from test_copies
    group by device_id, period_start

),

credited as (

    select
        usage.*,
        coalesce(test_pages.test_mono_pages, 0) as recorded_test_mono_pages,
        coalesce(test_pages.test_color_pages, 0) as recorded_test_color_pages,
        least(coalesce(test_pages.test_mono_pages, 0), usage.mono_pages) as test_mono_pages,
        least(coalesce(test_pages.test_color_pages, 0), usage.color_pages) as test_color_pages,
    from usage
    left join test_pages
        on usage.device_id = test_pages.device_id
        and usage.period_start = test_pages.period_start

),

final as (

    select
        *,
        mono_pages - test_mono_pages as billable_mono_pages,
        color_pages - test_color_pages as billable_color_pages,
    from credited

)

select * from final
