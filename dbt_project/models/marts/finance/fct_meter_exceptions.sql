{#-
    Every meter reading held for review, with its reason and outcome
    (docs/meter-readings.md, "Validation before billing"): held (waiting: billing uses the
    estimate meanwhile), approved (counts from its approval on), rejected (withdrawn with a
    reason). Rejected readings are withdrawn, so they come from the reviews' staging model,
    not from the live readings.
-#}

with

reviews as (

    select * from {{ ref('stg_operational__meter_reading_reviews') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

final as (

    select
        devices.serial,
        reviews.read_on,
        cast(coalesce(reviews.review_reason, '') as varchar) as reason,
        cast(reviews.review_status as varchar) as status,
        reviews.decided_by,
        reviews.decided_at,
        contracts.contract_number,
        contracts.account_code,
        reviews.meter_reset,
        reviews.mono_counter,
        reviews.color_counter,
        cast(
            split_part(coalesce(reviews.review_reason, ''), ':', 1) as varchar
        ) as first_reason_code,
        reviews.review_note as decision_note,
        reviews.created_at as held_at,
        cast(date_trunc('month', reviews.read_on) as date) as period_start,
    from reviews
    inner join devices
        on reviews.device_id = devices.device_id
    inner join contracts
        on devices.contract_id = contracts.contract_id

)

select * from final
