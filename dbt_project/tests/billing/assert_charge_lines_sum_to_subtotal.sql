-- docs/billing-run.md, "Charge lines": the lines of every charge (fct_billing_charge_lines)
-- add up to the charge's subtotal exactly, fee, overage and true-up each to their own
-- amount, and are numbered 1, 2, … without gaps. Returns the charges that break it.

with

charges as (

    select * from {{ ref('fct_billing_charges') }}

),

lines as (

    select * from {{ ref('fct_billing_charge_lines') }}

),

sums as (

    select
        contract_number,
        period_start,
        count(*) as line_count,
        max(line_number) as last_line,
        sum(amount) as lines_amount,
        sum(case when kind = 'fixed_fee' then amount else 0 end) as fee_amount,
        sum(case when kind = 'overage' and meter = 'mono' then amount else 0 end) as mono_amount,
        sum(case when kind = 'overage' and meter = 'color' then amount else 0 end)
            as color_amount,
        sum(case when kind = 'true_up' then amount else 0 end) as true_up_amount,
    from lines
    group by contract_number, period_start

),

final as (

    select
        charges.contract_number,
        charges.period_start,
        charges.subtotal,
        coalesce(sums.lines_amount, 0) as lines_amount,
    from charges
    left join sums
        on charges.contract_number = sums.contract_number
        and charges.period_start = sums.period_start
    where coalesce(sums.lines_amount, 0) <> charges.subtotal
        or coalesce(sums.fee_amount, 0) <> charges.fixed_fee_amount
        or coalesce(sums.mono_amount, 0) <> charges.overage_mono_amount
        or coalesce(sums.color_amount, 0) <> charges.overage_color_amount
        or coalesce(sums.true_up_amount, 0) <> charges.minimum_true_up_amount
        or coalesce(sums.last_line, 0) <> coalesce(sums.line_count, 0)

)

select * from final
