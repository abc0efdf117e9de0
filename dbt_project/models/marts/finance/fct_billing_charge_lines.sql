{#-
    One row per part of each charge of fct_billing_charges (docs/billing-run.md): the fixed
    fee, each overage tier of each meter (pages × rate), the minimum true-up. The parts are
    computed once, with the charge itself, in int_billing_charges_computed (charge_parts):
    the lines of a charge add up to its subtotal to the cent
    (tests/billing/assert_charge_lines_sum_to_subtotal.sql). The billing run drafts its
    invoice lines from these rows; their taxes are split per line by the domain layer
    (largest remainder, operational_app/domain/taxes.py).
-#}

with

charges as (

    select * from {{ ref('int_billing_charges_computed') }}

),

parts as (

    select
        contract_number,
        period_start,
        currency,
        has_estimated_reads,
        unnest(charge_parts) as part,
        generate_subscripts(charge_parts, 1) as part_order,
    from charges

),

final as (

    select
        parts.contract_number,
        parts.period_start,
        cast(parts.part_order as integer) as line_number,
        parts.part.kind,
        parts.part.meter,
        parts.part.tier_from_page,
        parts.part.quantity,
        parts.part.unit_price,
        parts.part.amount,
        parts.currency,
        -- usage read from an estimate shows on the lines it priced (the overage)
        (parts.part.kind = 'overage' and parts.has_estimated_reads) as has_estimated_reads,
    from parts

)

select * from final
