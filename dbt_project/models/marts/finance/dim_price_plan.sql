{#- One row per price-plan version: the terms the charges page shows next to a calculation. -#}
with

plans as (

    {{ price_plans_in_force(ref('stg_operational__price_plans')) }}

),

tiers as (

    select * from {{ ref('stg_operational__price_tiers') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

tier_text as (

    -- e.g. "0+ @ 0.120000; 10000+ @ 0.090000", brackets in order (income-tax style)
    select
        price_plan_id,
        string_agg(
            case
                when meter = 'mono'
                    then cast(from_page as varchar) || '+ @ ' || cast(rate as varchar)
            end,
            '; ' order by from_page
        ) as mono_tiers,
        string_agg(
            case
                when meter = 'color'
                    then cast(from_page as varchar) || '+ @ ' || cast(rate as varchar)
            end,
            '; ' order by from_page
        ) as color_tiers,
        count(*) as tier_count,
    from tiers
    group by price_plan_id

),

final as (

    select
        contracts.contract_number,
        plans.effective_from,
        -- the next version's start closes this one (null: in force until the contract ends)
        plans.in_force_through as effective_to,
        -- the rule's own columns (macros/price_plans.sql): filter on them to find the
        -- version in force on a day, the first version covering the days before it
        plans.in_force_from,
        plans.in_force_through,
        contracts.currency,
        plans.fixed_monthly_fee,
        plans.included_mono_pages,
        plans.included_color_pages,
        plans.mono_rate,
        plans.color_rate,
        plans.minimum_monthly_charge,
        tier_text.mono_tiers,
        tier_text.color_tiers,
        cast(coalesce(tier_text.tier_count, 0) as integer) as tier_count,
    from plans
    inner join contracts on plans.contract_id = contracts.contract_id
    left join tier_text on plans.price_plan_id = tier_text.price_plan_id

)

select * from final
