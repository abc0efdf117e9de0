{#-
    The charge of each contract × billing period, to the cent
    (docs/billing.md, Charges):
        included pages  = round(allowance × f) half up        (f = active days / days in month)
        overage pages   = max(0, usage − included)
        overage amount  = round(overage × rate, 2), or with graduated tiers the sum of
                          round(pages in tier × tier rate, 2)
        fixed fee       = round(fee × f, 2)
        minimum true-up = max(0, round(minimum × f, 2) − (fee + overage amounts))
        tax             = round(subtotal × account tax rate, 2);   total = subtotal + tax
    Exact DECIMAL arithmetic throughout; prorations in integers (macros/decimals.sql).
    Usage is the devices' usage less the technicians' test copies credited in the period
    (int_device_usage_credited; docs/meter-readings.md).
-#}
{%- set days = 'periods.active_days' -%}
{%- set month_days = 'periods.days_in_month' -%}

with

periods as (

    select * from {{ ref('int_billing_periods') }}

),

device_usage as (

    select * from {{ ref('int_meter_counters_effective') }}

),

-- technicians' test copies, credited per device and period (docs/meter-readings.md)
test_credits as (

    select
        contract_id,
        period_start,
        sum(test_mono_pages) as test_mono_pages,
        sum(test_color_pages) as test_color_pages,
    from {{ ref('int_device_usage_credited') }}
    group by contract_id, period_start

),

price_tiers as (

    select * from {{ ref('stg_operational__price_tiers') }}

),

usage_by_contract as (

    select
        contract_id,
        period_start,
        count(*) as device_count,
        sum(mono_pages) as mono_pages,
        sum(color_pages) as color_pages,
        bool_or(is_estimated) as has_estimated_reads,
    from device_usage
    group by contract_id, period_start

),

usage as (

    select
        periods.*,
        cast(coalesce(usage_by_contract.device_count, 0) as integer) as device_count,
        cast(
            coalesce(usage_by_contract.mono_pages, 0) - coalesce(test_credits.test_mono_pages, 0)
            as bigint
        ) as mono_pages,
        cast(
            coalesce(usage_by_contract.color_pages, 0) - coalesce(test_credits.test_color_pages, 0)
            as bigint
        ) as color_pages,
        cast(coalesce(test_credits.test_mono_pages, 0) as bigint) as test_mono_pages,
        cast(coalesce(test_credits.test_color_pages, 0) as bigint) as test_color_pages,
        coalesce(usage_by_contract.has_estimated_reads, false) as has_estimated_reads,
        {{ prorate_pages('periods.included_mono_pages', days, month_days) }}
            as included_mono_pages_prorated,
        {{ prorate_pages('periods.included_color_pages', days, month_days) }}
            as included_color_pages_prorated,
        {{ prorate_money('periods.fixed_monthly_fee', days, month_days) }}
            as fixed_fee_amount,
        {{ prorate_money('periods.minimum_monthly_charge', days, month_days) }}
            as minimum_charge_prorated,
    from periods
    left join usage_by_contract
        on periods.contract_id = usage_by_contract.contract_id
        and periods.period_start = usage_by_contract.period_start
    left join test_credits
        on periods.contract_id = test_credits.contract_id
        and periods.period_start = test_credits.period_start
    -- a contract without any price plan cannot be charged (tested in _billing__models.yml)
    where periods.price_plan_id is not null

),

overage as (

    select
        *,
        greatest(mono_pages - included_mono_pages_prorated, 0) as overage_mono_pages,
        greatest(color_pages - included_color_pages_prorated, 0) as overage_color_pages,
    from usage

),

plan_rates as (

    select distinct
        price_plan_id,
        mono_rate,
        color_rate,
    from periods

),

-- graduated tiers price the overage pages like income-tax brackets: [from_page, next
-- tier's from_page) at the tier's rate. If a plan's first tier does not start at page 0,
-- the overage pages below it are priced at the plan's flat rate (docs/billing.md).
tier_rows as (

    select
        price_plan_id,
        meter,
        from_page,
        rate,
    from price_tiers

    union all

    select
        price_tiers.price_plan_id,
        price_tiers.meter,
        0 as from_page,
        any_value(
            case
                when price_tiers.meter = 'mono' then plan_rates.mono_rate
                else plan_rates.color_rate
            end
        ) as rate,
    from price_tiers
    inner join plan_rates
        on price_tiers.price_plan_id = plan_rates.price_plan_id
    group by price_tiers.price_plan_id, price_tiers.meter
    having min(price_tiers.from_page) > 0

),

tiers as (

    select
        price_plan_id,
        meter,
        from_page,
        lead(from_page) over (partition by price_plan_id, meter order by from_page) as to_page,
        rate,
    from tier_rows

),

tier_pages as (

    select
        overage.contract_id,
        overage.period_start,
        tiers.meter,
        tiers.from_page,
        tiers.rate,
        greatest(
            least(
                case
                    when tiers.meter = 'mono' then overage.overage_mono_pages
                    else overage.overage_color_pages
                end,
                coalesce(tiers.to_page, 9223372036854775807)
            ) - tiers.from_page,
            0
        ) as pages_in_tier,
    from overage
    inner join tiers
        on overage.price_plan_id = tiers.price_plan_id

),

meters as (

    select 'mono' as meter
    union all
    select 'color' as meter

),

tiered_meters as (

    select distinct
        price_plan_id,
        meter,
    from price_tiers

),

-- Every priced slice of the overage: each graduated tier (its pages × its rate, rounded to
-- cents), or the whole overage at the plan's flat rate (tier_from_page 0). The overage
-- amounts below are the sums of these parts and the charge lines are these parts, so the
-- invoice lines and the charge come from one computation (docs/billing-run.md).
overage_parts as (

    select
        contract_id,
        period_start,
        meter,
        from_page as tier_from_page,
        pages_in_tier as pages,
        rate,
        {{ money_times('pages_in_tier', 'rate') }} as amount,
        true as is_tiered,
    from tier_pages

    union all

    select
        overage.contract_id,
        overage.period_start,
        meters.meter,
        cast(0 as bigint) as tier_from_page,
        case
            when meters.meter = 'mono' then overage.overage_mono_pages
            else overage.overage_color_pages
        end as pages,
        case
            when meters.meter = 'mono' then overage.mono_rate
            else overage.color_rate
        end as rate,
        case
            when meters.meter = 'mono'
                then {{ money_times('overage.overage_mono_pages', 'overage.mono_rate') }}
            else {{ money_times('overage.overage_color_pages', 'overage.color_rate') }}
        end as amount,
        false as is_tiered,
    from overage
    cross join meters
    left join tiered_meters
        on overage.price_plan_id = tiered_meters.price_plan_id
        and meters.meter = tiered_meters.meter
    where tiered_meters.meter is null

),

overage_amounts as (

    select
        contract_id,
        period_start,
        meter,
        bool_or(is_tiered) as is_tiered,
        cast(sum(amount) as decimal(18, 2)) as amount,
    from overage_parts
    group by contract_id, period_start, meter

),

amounts as (

    select
        overage.*,
        coalesce(mono.amount, 0) as overage_mono_amount,
        coalesce(color.amount, 0) as overage_color_amount,
        coalesce(mono.is_tiered, false) as has_mono_tiers,
        coalesce(color.is_tiered, false) as has_color_tiers,
    from overage
    left join overage_amounts as mono
        on overage.contract_id = mono.contract_id
        and overage.period_start = mono.period_start
        and mono.meter = 'mono'
    left join overage_amounts as color
        on overage.contract_id = color.contract_id
        and overage.period_start = color.period_start
        and color.meter = 'color'

),

true_up as (

    select
        *,
        cast(greatest(
            coalesce(minimum_charge_prorated, 0)
            - (fixed_fee_amount + overage_mono_amount + overage_color_amount),
            0
        ) as decimal(18, 2)) as minimum_true_up_amount,
    from amounts

),

subtotals as (

    select
        *,
        cast(
            fixed_fee_amount + overage_mono_amount + overage_color_amount + minimum_true_up_amount
            as decimal(18, 2)
        ) as subtotal,
    from true_up

),

-- the charge's parts that bill something, in line order: fee, mono then colour overage by
-- tier, true-up. Their amounts add up to the subtotal
-- (tests/billing/assert_charge_lines_sum_to_subtotal.sql); fct_billing_charge_lines
-- publishes one row per part.
part_rows as (

    select
        contract_id,
        period_start,
        1 as part_group,
        'fixed_fee' as kind,
        cast(null as varchar) as meter,
        cast(null as bigint) as tier_from_page,
        cast(1 as bigint) as quantity,
        cast(fixed_fee_amount as decimal(18, 6)) as unit_price,
        fixed_fee_amount as amount,
    from subtotals
    where fixed_fee_amount > 0

    union all

    select
        contract_id,
        period_start,
        case when meter = 'mono' then 2 else 3 end as part_group,
        'overage' as kind,
        meter,
        tier_from_page,
        cast(pages as bigint) as quantity,
        cast(rate as decimal(18, 6)) as unit_price,
        amount,
    from overage_parts
    where amount > 0

    union all

    select
        contract_id,
        period_start,
        4 as part_group,
        'true_up' as kind,
        cast(null as varchar) as meter,
        cast(null as bigint) as tier_from_page,
        cast(1 as bigint) as quantity,
        cast(minimum_true_up_amount as decimal(18, 6)) as unit_price,
        minimum_true_up_amount as amount,
    from subtotals
    where minimum_true_up_amount > 0

),

parts as (

    select
        contract_id,
        period_start,
        list(
            struct_pack(
                kind := kind,
                meter := meter,
                tier_from_page := tier_from_page,
                quantity := quantity,
                unit_price := unit_price,
                amount := amount
            )
            order by part_group, tier_from_page
        ) as charge_parts,
    from part_rows
    group by contract_id, period_start

),

final as (

    select
        subtotals.contract_id,
        subtotals.contract_number,
        subtotals.account_id,
        subtotals.account_code,
        subtotals.period_start,
        subtotals.period_end,
        subtotals.days_in_month,
        subtotals.active_from,
        subtotals.active_to,
        subtotals.active_days,
        subtotals.active_fraction,
        subtotals.is_period_closed,
        subtotals.price_plan_id,
        subtotals.plan_effective_from,
        subtotals.currency,
        subtotals.device_count,
        subtotals.fixed_monthly_fee,
        subtotals.fixed_fee_amount,
        subtotals.included_mono_pages_prorated as included_mono_pages,
        subtotals.included_color_pages_prorated as included_color_pages,
        subtotals.mono_pages,
        subtotals.color_pages,
        subtotals.test_mono_pages,
        subtotals.test_color_pages,
        subtotals.overage_mono_pages,
        subtotals.overage_color_pages,
        subtotals.mono_rate,
        subtotals.color_rate,
        subtotals.has_mono_tiers,
        subtotals.has_color_tiers,
        subtotals.overage_mono_amount,
        subtotals.overage_color_amount,
        subtotals.minimum_monthly_charge,
        subtotals.minimum_charge_prorated,
        subtotals.minimum_true_up_amount,
        subtotals.subtotal,
        subtotals.tax_rate,
        {{ money_times('subtotals.subtotal', 'subtotals.tax_rate') }} as tax_amount,
        cast(
            subtotals.subtotal + {{ money_times('subtotals.subtotal', 'subtotals.tax_rate') }}
            as decimal(18, 2)
        ) as total,
        subtotals.has_estimated_reads,
        parts.charge_parts,
    from subtotals
    left join parts
        on subtotals.contract_id = parts.contract_id
        and subtotals.period_start = parts.period_start

)

select * from final
