{#-
    Payments received up to the build's as-of date, with their account, their reversal (a
    bounced payment, when reversed on or before the as-of date) and the exchange rate to MXN
    of the payment date or the nearest earlier rate date (MXN: 1).
-#}

with

payments as (

    select * from {{ ref('stg_operational__payments') }}
    where received_on <= {{ as_of_date() }}

),

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

reversals as (

    select * from {{ ref('stg_operational__payment_reversals') }}
    where reversed_on <= {{ as_of_date() }}

),

joined as (

    select
        payments.payment_id,
        payments.payment_number,
        payments.account_id,
        accounts.account_code,
        accounts.name as account_name,
        payments.received_on,
        payments.currency,
        payments.amount,
        payments.method,
        reversals.reversal_number,
        reversals.reversed_on,
        reversals.reason as reversal_reason,
    from payments
    left join accounts
        on payments.account_id = accounts.account_id
    left join reversals
        on payments.payment_id = reversals.payment_id

),

converted as (

    select
        joined.*,
        {{ fx_rate_date('fx', 'joined.received_on') }} as fx_rate_date,
        fx.mxn_per_unit as fx_rate_to_mxn,
    from joined
    {{ fx_asof_join('fx', 'joined.currency', 'joined.received_on') }}

),

final as (

    select
        payment_id,
        payment_number,
        account_id,
        account_code,
        account_name,
        received_on,
        currency,
        amount,
        method,
        reversal_number,
        reversed_on,
        reversal_reason,
        fx_rate_date,
        fx_rate_to_mxn,
        {{ money_times('amount', 'fx_rate_to_mxn') }} as amount_mxn,
    from converted

)

select * from final
