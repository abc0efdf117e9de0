-- For every month end, the aging buckets add up to the open AR (in MXN and per currency),
-- and that open AR equals an independent recomputation straight from the staged documents
-- (total − payment applications dated ≤ M, unless reversed ≤ M − credit notes issued ≤ M,
-- invoices issued ≤ M and not cancelled by M, open > 0.005). Returns the month ends where anything disagrees.

with

month_ends as (

    select * from {{ ref('int_ar_month_ends') }}

),

collections as (

    select * from {{ ref('fct_collections_monthly') }}

),

aging as (

    select * from {{ ref('fct_ar_aging_monthly') }}

),

invoices as (

    select * from {{ ref('int_ar_documents') }}

),

applications as (

    select
        applications.invoice_id,
        applications.amount,
        payments.received_on,
        reversals.reversed_on,
    from {{ ref('stg_operational__payment_applications') }} as applications
    inner join {{ ref('stg_operational__payments') }} as payments
        on applications.payment_id = payments.payment_id
    left join {{ ref('stg_operational__payment_reversals') }} as reversals
        on applications.payment_id = reversals.payment_id

),

credit_notes as (

    select * from {{ ref('stg_operational__credit_notes') }}

),

by_bucket as (

    select
        month_end,
        bucket,
        currency,
        sum(open_amount) as open_amount,
        sum(open_amount_mxn) as open_amount_mxn,
    from aging
    group by month_end, bucket, currency

),

buckets_summed as (

    select
        month_end,
        sum(open_amount_mxn) as open_ar_mxn,
    from by_bucket
    group by month_end

),

recomputed_open as (

    select
        month_ends.month_end,
        invoices.invoice_id,
        invoices.currency,
        invoices.total
        - coalesce((
            select sum(applications.amount)
            from applications
            where applications.invoice_id = invoices.invoice_id
                and applications.received_on <= month_ends.month_end
                and (
                    applications.reversed_on is null
                    or applications.reversed_on > month_ends.month_end
                )
        ), 0)
        - coalesce((
            select sum(credit_notes.total)
            from credit_notes
            where credit_notes.invoice_id = invoices.invoice_id
                and credit_notes.issued_on <= month_ends.month_end
        ), 0) as open_amount,
    from month_ends
    inner join invoices
        on month_ends.month_end >= invoices.issued_on
        and (invoices.cancelled_on is null or month_ends.month_end < invoices.cancelled_on)

),

recomputed as (

    select
        month_end,
        sum(open_amount) filter (where currency = 'MXN') as open_mxn_native,
        sum(open_amount) filter (where currency <> 'MXN') as open_other_native,
    from recomputed_open
    where open_amount > 0.005
    group by month_end

),

aging_native as (

    select
        month_end,
        sum(open_amount) filter (where currency = 'MXN') as open_mxn_native,
        sum(open_amount) filter (where currency <> 'MXN') as open_other_native,
    from by_bucket
    group by month_end

),

final as (

    select
        month_ends.month_end,
        collections.open_ar_mxn as collections_open_ar_mxn,
        buckets_summed.open_ar_mxn as buckets_open_ar_mxn,
        collections.current_ar_mxn + collections.ar_1_30_mxn + collections.ar_31_60_mxn
        + collections.ar_61_90_mxn + collections.ar_91_120_mxn
        + collections.ar_120_plus_mxn as bucket_columns_open_ar_mxn,
        recomputed.open_mxn_native as recomputed_mxn_native,
        aging_native.open_mxn_native as aging_mxn_native,
        recomputed.open_other_native as recomputed_other_native,
        aging_native.open_other_native as aging_other_native,
    from month_ends
    left join collections
        on month_ends.month_end = collections.month_end
    left join buckets_summed
        on month_ends.month_end = buckets_summed.month_end
    left join recomputed
        on month_ends.month_end = recomputed.month_end
    left join aging_native
        on month_ends.month_end = aging_native.month_end
    where collections.month_end is null
        or collections.open_ar_mxn is distinct from coalesce(buckets_summed.open_ar_mxn, 0)
        or collections.open_ar_mxn <> collections.current_ar_mxn + collections.ar_1_30_mxn
        + collections.ar_31_60_mxn + collections.ar_61_90_mxn + collections.ar_91_120_mxn
        + collections.ar_120_plus_mxn
        or coalesce(recomputed.open_mxn_native, 0) <> coalesce(aging_native.open_mxn_native, 0)
        or coalesce(recomputed.open_other_native, 0) <> coalesce(aging_native.open_other_native, 0)

)

select * from final
