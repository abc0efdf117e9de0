{#-
    The computed charge of each contract × billing period (docs/billing.md,
    Charges), in the contract's currency, with MXN equivalents at the exchange rate of the
    period end or the nearest earlier rate date (docs/billing.md).
-#}

with

charges as (

    select * from {{ ref('int_billing_charges_computed') }}

),

converted as (

    select
        charges.*,
        {{ fx_rate_date('fx', 'charges.period_end') }} as fx_rate_date,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from charges
    {{ fx_asof_join('fx', 'charges.currency', 'charges.period_end') }}

),

final as (

    select
        contract_number,
        account_code,
        period_start,
        period_end,
        days_in_month,
        active_days,
        active_fraction,
        is_period_closed,
        plan_effective_from,
        device_count,
        fixed_fee_amount,
        included_mono_pages,
        included_color_pages,
        mono_pages,
        color_pages,
        test_mono_pages,
        test_color_pages,
        overage_mono_pages,
        overage_color_pages,
        overage_mono_amount,
        overage_color_amount,
        minimum_true_up_amount,
        subtotal,
        tax_rate,
        tax_amount,
        total,
        currency,
        has_estimated_reads,
        fx_rate_date,
        fx_rate_to_mxn,
        {{ money_times('subtotal', 'fx_rate_to_mxn') }} as subtotal_mxn,
        {{ money_times('tax_amount', 'fx_rate_to_mxn') }} as tax_amount_mxn,
        cast(
            {{ money_times('subtotal', 'fx_rate_to_mxn') }}
            + {{ money_times('tax_amount', 'fx_rate_to_mxn') }}
            as decimal(18, 2)
        ) as total_mxn,
    from converted

)

select * from final
