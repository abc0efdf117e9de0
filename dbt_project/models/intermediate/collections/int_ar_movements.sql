{#-
    Everything that moves an invoice's open amount, one dated row each, up to the build's
    as-of date (docs/collections.md, Aging as of a date D; The aging rule as implemented):

    - payment: a payment application, dated by the payment's received_on ("payment date"),
      settled_amount = the applied amount (reduces the open amount);
    - payment_reversal: the same application undone by the payment's reversal (a bounced
      payment), dated by reversed_on, settled_amount = − the applied amount; so the
      application counts for dates before reversed_on and no longer from reversed_on on;
    - credit_note: a credit note's total part, dated by its issued_on.

    open_amount(D) = total − Σ settled_amount of the rows with movement_on ≤ D.
-#}

with

documents as (

    select * from {{ ref('int_ar_documents') }}

),

applications as (

    select * from {{ ref('stg_operational__payment_applications') }}

),

payments as (

    select * from {{ ref('stg_operational__payments') }}
    where received_on <= {{ as_of_date() }}

),

reversals as (

    select * from {{ ref('stg_operational__payment_reversals') }}
    where reversed_on <= {{ as_of_date() }}

),

credit_notes as (

    select * from {{ ref('stg_operational__credit_notes') }}
    where issued_on <= {{ as_of_date() }}

),

applied as (

    select
        applications.payment_application_id,
        documents.invoice_number,
        documents.account_code,
        documents.currency,
        documents.issued_on as invoice_issued_on,
        payments.payment_number,
        payments.received_on,
        applications.applied_on,
        applications.amount,
        reversals.reversal_number,
        reversals.reversed_on,
    from applications
    inner join payments
        on applications.payment_id = payments.payment_id
    inner join documents
        on applications.invoice_id = documents.invoice_id
    left join reversals
        on applications.payment_id = reversals.payment_id

),

payment_movements as (

    select
        'payment-' || payment_application_id as movement_id,
        'payment' as movement_type,
        invoice_number,
        account_code,
        currency,
        invoice_issued_on,
        received_on as movement_on,
        applied_on as recorded_on,
        payment_number as document_number,
        payment_number,
        reversal_number,
        reversed_on,
        cast(null as varchar) as credit_note_number,
        amount as settled_amount,
    from applied

),

reversal_movements as (

    select
        'reversal-' || payment_application_id as movement_id,
        'payment_reversal' as movement_type,
        invoice_number,
        account_code,
        currency,
        invoice_issued_on,
        reversed_on as movement_on,
        reversed_on as recorded_on,
        reversal_number as document_number,
        payment_number,
        reversal_number,
        reversed_on,
        cast(null as varchar) as credit_note_number,
        -amount as settled_amount,
    from applied
    where reversed_on is not null

),

credit_note_movements as (

    select
        'credit_note-' || credit_notes.credit_note_id as movement_id,
        'credit_note' as movement_type,
        documents.invoice_number,
        documents.account_code,
        documents.currency,
        documents.issued_on as invoice_issued_on,
        credit_notes.issued_on as movement_on,
        credit_notes.issued_on as recorded_on,
        credit_notes.credit_note_number as document_number,
        cast(null as varchar) as payment_number,
        cast(null as varchar) as reversal_number,
        cast(null as date) as reversed_on,
        credit_notes.credit_note_number,
        credit_notes.total as settled_amount,
    from credit_notes
    inner join documents
        on credit_notes.invoice_id = documents.invoice_id

),

unioned as (

    select * from payment_movements
    union all
    select * from reversal_movements
    union all
    select * from credit_note_movements

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
        cast(settled_amount as decimal(18, 2)) as settled_amount,
    from unioned

)

select * from final
