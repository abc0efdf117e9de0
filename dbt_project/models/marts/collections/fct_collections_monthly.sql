{#-
    Collections KPIs at each month end, in MXN (docs/collections.md, DSO and CEI;
    docs/stages-and-kpis.md, dso_days, cei_pct, overdue_60_pct). Open AR is the month-end aging
    (fct_ar_aging_monthly) converted at each invoice's issue-date rate:

      dso_days       = open AR at M ÷ invoice totals issued in the 90 days ending at M
                       (M − 89 … M) × 90; null when no invoice was issued in the window
      cei_pct        = (AR at start + invoiced in M − AR at end)
                       ÷ (AR at start + invoiced in M − current AR at end) × 100
                       (AR at start = open AR at the previous month end; current = not past due)
      overdue_60_pct = open AR more than 60 days past due ÷ open AR × 100

    Ratios are rounded half up to 2 decimals with exact arithmetic; null when undefined.
-#}

with

month_ends as (

    select * from {{ ref('int_ar_month_ends') }}

),

aging as (

    select * from {{ ref('fct_ar_aging_monthly') }}

),

documents as (

    select * from {{ ref('fct_ar_documents') }}

),

open_ar as (

    select
        month_end,
        count(*) as open_invoice_count,
        count(*) filter (where days_past_due > 0) as overdue_invoice_count,
        sum(open_amount_mxn) as open_ar_mxn,
        sum(open_amount_mxn) filter (where bucket = 'current') as current_ar_mxn,
        sum(open_amount_mxn) filter (where bucket = '1-30') as ar_1_30_mxn,
        sum(open_amount_mxn) filter (where bucket = '31-60') as ar_31_60_mxn,
        sum(open_amount_mxn) filter (where bucket = '61-90') as ar_61_90_mxn,
        sum(open_amount_mxn) filter (where bucket = '91-120') as ar_91_120_mxn,
        sum(open_amount_mxn) filter (where bucket = '120+') as ar_120_plus_mxn,
        sum(open_amount_mxn) filter (where days_past_due > 60) as overdue_60_mxn,
    from aging
    group by month_end

),

invoiced as (

    select
        month_ends.month_end,
        count(*) filter (where documents.issued_on >= month_ends.month) as invoices_count,
        sum(documents.total_mxn) filter (
            where documents.issued_on >= month_ends.month
        ) as invoiced_mxn,
        -- invoices with an MXN value: one issued before its currency's first exchange rate
        -- is a data issue (fct_data_issues), left out of the ratio's both sides
        count(documents.total_mxn) as invoices_90d_count,
        sum(documents.total_mxn) as invoiced_90d_mxn,
    from month_ends
    inner join documents
        on documents.issued_on between month_ends.month_end - 89 and month_ends.month_end
    group by month_ends.month_end

),

combined as (

    select
        month_ends.month,
        month_ends.month_end,
        cast(coalesce(open_ar.open_invoice_count, 0) as integer) as open_invoice_count,
        cast(coalesce(open_ar.overdue_invoice_count, 0) as integer) as overdue_invoice_count,
        cast(coalesce(open_ar.open_ar_mxn, 0) as decimal(18, 2)) as open_ar_mxn,
        cast(coalesce(open_ar.current_ar_mxn, 0) as decimal(18, 2)) as current_ar_mxn,
        cast(coalesce(open_ar.ar_1_30_mxn, 0) as decimal(18, 2)) as ar_1_30_mxn,
        cast(coalesce(open_ar.ar_31_60_mxn, 0) as decimal(18, 2)) as ar_31_60_mxn,
        cast(coalesce(open_ar.ar_61_90_mxn, 0) as decimal(18, 2)) as ar_61_90_mxn,
        cast(coalesce(open_ar.ar_91_120_mxn, 0) as decimal(18, 2)) as ar_91_120_mxn,
        cast(coalesce(open_ar.ar_120_plus_mxn, 0) as decimal(18, 2)) as ar_120_plus_mxn,
        cast(coalesce(open_ar.overdue_60_mxn, 0) as decimal(18, 2)) as overdue_60_mxn,
        cast(coalesce(invoiced.invoices_count, 0) as integer) as invoices_count,
        cast(coalesce(invoiced.invoiced_mxn, 0) as decimal(18, 2)) as invoiced_mxn,
        cast(coalesce(invoiced.invoices_90d_count, 0) as integer) as invoices_90d_count,
        cast(coalesce(invoiced.invoiced_90d_mxn, 0) as decimal(18, 2)) as invoiced_90d_mxn,
    from month_ends
    left join open_ar
        on month_ends.month_end = open_ar.month_end
    left join invoiced
        on month_ends.month_end = invoiced.month_end

),

with_start as (

    select
        combined.*,
        -- the series starts with the first invoice's month: nothing was open before it
        lag(combined.open_ar_mxn, 1, cast(0 as decimal(18, 2)))
            over (order by combined.month_end) as open_ar_start_mxn,
    from combined

),

measured as (

    select
        with_start.*,
        cast(
            with_start.open_ar_start_mxn + with_start.invoiced_mxn - with_start.open_ar_mxn
            as decimal(18, 2)
        ) as cei_numerator_mxn,
        cast(
            with_start.open_ar_start_mxn + with_start.invoiced_mxn - with_start.current_ar_mxn
            as decimal(18, 2)
        ) as cei_denominator_mxn,
    from with_start

),

final as (

    select
        month,
        month_end,
        open_ar_start_mxn,
        open_ar_mxn,
        current_ar_mxn,
        ar_1_30_mxn,
        ar_31_60_mxn,
        ar_61_90_mxn,
        ar_91_120_mxn,
        ar_120_plus_mxn,
        overdue_60_mxn,
        open_invoice_count,
        overdue_invoice_count,
        invoices_count,
        invoiced_mxn,
        invoices_90d_count,
        invoiced_90d_mxn,
        cei_numerator_mxn,
        cei_denominator_mxn,
        case
            when invoices_90d_count > 0
                then {{ ratio_half_up('open_ar_mxn', 'invoiced_90d_mxn', 90) }}
        end as dso_days,
        {{ ratio_half_up('cei_numerator_mxn', 'cei_denominator_mxn', 100) }} as cei_pct,
        {{ ratio_half_up('overdue_60_mxn', 'open_ar_mxn', 100) }} as overdue_60_pct,
    from measured

)

select * from final
