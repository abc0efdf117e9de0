{#-
    What moved each invoice's open amount, one dated row each (int_ar_movements): payment
    applications (by payment date), their reversals (by reversal date) and credit notes (by
    issue date). The aging sums settled_amount of the rows dated on or before its date.
-#}

with

movements as (

    select * from {{ ref('int_ar_movements') }}

),

final as (

    select
        movement_id,
        movement_type,
        invoice_number,
        account_code,
        currency,
        invoice_issued_on,
        movement_on,
        recorded_on,
        document_number,
        payment_number,
        reversal_number,
        reversed_on,
        credit_note_number,
        settled_amount,
    from movements

)

select * from final
