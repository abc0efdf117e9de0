{#-
    Payments received up to the build's as-of date, with their reversal when bounced: the
    base of the customer-credit view (marts.unapplied_payments, fct_unapplied_payments).
-#}

with

payments as (

    select * from {{ ref('int_ar_payments') }}

),

final as (

    select
        payment_number,
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
        amount_mxn,
    from payments

)

select * from final
