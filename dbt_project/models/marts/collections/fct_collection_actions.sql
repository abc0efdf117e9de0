{#-
    Collection actions (call, email, visit, promise_to_pay, escalation) recorded up to the
    build's as-of date, with the invoice they chase and, for promises to pay, whether the
    promise was kept (docs/collections.md, "Promises to pay"):

      kept    — the payments applied to the invoice with payment date from the action date
                through promised_on (payments not reversed) cover promised_amount, or the
                invoice was fully settled by promised_on;
      pending — not kept yet and promised_on is after the as-of date;
      broken  — not kept and promised_on is on or before the as-of date.
-#}

with

actions as (

    select * from {{ ref('stg_operational__collection_actions') }}
    where action_on <= {{ as_of_date() }}

),

documents as (

    select * from {{ ref('int_ar_documents') }}

),

movements as (

    select * from {{ ref('int_ar_movements') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

joined as (

    select
        actions.collection_action_id,
        documents.invoice_number,
        documents.account_code,
        documents.account_name,
        documents.contract_number,
        documents.due_on,
        documents.total,
        actions.action_type,
        actions.action_on,
        actions.promised_on,
        actions.promised_amount,
        actions.notes,
        actions.created_by,
    from actions
    inner join documents
        on actions.invoice_id = documents.invoice_id

),

paid_toward_promise as (

    select
        joined.collection_action_id,
        sum(movements.settled_amount) as paid_amount,
    from joined
    inner join movements
        on joined.invoice_number = movements.invoice_number
        and movements.movement_type = 'payment'
        and movements.reversed_on is null
        and movements.movement_on between joined.action_on and joined.promised_on
    where joined.action_type = 'promise_to_pay'
    group by joined.collection_action_id

),

settled_by_promised_on as (

    select
        joined.collection_action_id,
        sum(movements.settled_amount) as settled_amount,
    from joined
    inner join movements
        on joined.invoice_number = movements.invoice_number
        and joined.promised_on >= movements.movement_on
    where joined.action_type = 'promise_to_pay'
    group by joined.collection_action_id

),

settled_now as (

    select
        invoice_number,
        sum(settled_amount) as settled_amount,
    from movements
    group by invoice_number

),

evaluated as (

    select
        joined.*,
        joined.action_type = 'promise_to_pay' as is_promise_to_pay,
        case
            when joined.action_type = 'promise_to_pay'
                then cast(coalesce(paid_toward_promise.paid_amount, 0) as decimal(18, 2))
        end as paid_toward_promise_amount,
        case
            when joined.action_type <> 'promise_to_pay' then null
            when coalesce(paid_toward_promise.paid_amount, 0) >= joined.promised_amount
                or joined.total - coalesce(settled_by_promised_on.settled_amount, 0) <= 0.005
                then 'kept'
            when joined.promised_on > as_of.as_of_date then 'pending'
            else 'broken'
        end as promise_status,
        cast(
            datediff('day', joined.due_on, joined.action_on) as integer
        ) as days_past_due_at_action,
        cast(
            joined.total - coalesce(settled_now.settled_amount, 0) as decimal(18, 2)
        ) as invoice_open_amount,
        row_number() over (
            partition by joined.invoice_number
            order by joined.action_on desc, joined.collection_action_id desc
        ) = 1 as is_last_action,
        as_of.as_of_date,
    from joined
    cross join as_of
    left join paid_toward_promise
        on joined.collection_action_id = paid_toward_promise.collection_action_id
    left join settled_by_promised_on
        on joined.collection_action_id = settled_by_promised_on.collection_action_id
    left join settled_now
        on joined.invoice_number = settled_now.invoice_number

),

final as (

    select
        collection_action_id,
        invoice_number,
        account_code,
        account_name,
        contract_number,
        action_type,
        action_on,
        days_past_due_at_action,
        promised_on,
        promised_amount,
        notes,
        created_by,
        is_promise_to_pay,
        paid_toward_promise_amount,
        promise_status,
        is_last_action,
        invoice_open_amount,
        invoice_open_amount > 0.005 as is_invoice_open,
        as_of_date,
    from evaluated

)

select * from final
