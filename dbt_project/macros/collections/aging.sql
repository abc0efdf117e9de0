{#-
    Accounts-receivable aging as of a date D (docs/collections.md, "Aging as of a date
    D"), written once and rendered twice:

    - the DuckDB table macro marts.ar_aging(as_of), created by create_ar_aging_macro() as a
      post-hook of fct_ar_aging_monthly, so an analyst can ask for any day;
    - the month-end snapshot fct_ar_aging_monthly (one row per month end × open invoice).

    as_of_dates_sql: a query returning one column, as_of_date (one row per date to age at).
    documents / movements / actions: relations shaped like fct_ar_documents,
    fct_ar_movements and fct_collection_actions. The table macro must name them without a
    database (publish copies them into a file with another catalog name).

    Rule (docs/collections.md):
      open_amount(D) = total − Σ settled_amount of the invoice's movements dated ≤ D
      movements: payment applications dated by the payment's received_on (+), reversals of
      those payments dated by reversed_on (−), credit notes (total part) by issued_on (+).
      Invoices issued after D are left out, and so are invoices whose CFDI was cancelled
      on or before D (docs/cfdi.md); open_amount ≤ 0.005 is not listed.
      days_past_due = D − due_on; bucket by ar_bucket().
-#}
{% macro ar_aging_sql(as_of_dates_sql, documents, movements, actions) -%}
with

as_of_dates as (

    {{ as_of_dates_sql }}

),

documents as (

    select * from {{ documents }}

),

movements as (

    select * from {{ movements }}

),

actions as (

    select * from {{ actions }}

),

issued as (

    select
        as_of_dates.as_of_date,
        documents.invoice_number,
        documents.account_code,
        documents.account_name,
        documents.contract_number,
        documents.currency,
        documents.issued_on,
        documents.due_on,
        documents.total,
        documents.fx_rate_to_mxn,
    from documents
    inner join as_of_dates
        on documents.issued_on <= as_of_dates.as_of_date
        and (documents.cancelled_on is null or documents.cancelled_on > as_of_dates.as_of_date)

),

settled as (

    select
        issued.as_of_date,
        issued.invoice_number,
        sum(
            case when movements.movement_type = 'credit_note' then 0 else movements.settled_amount end
        ) as paid_amount,
        sum(
            case when movements.movement_type = 'credit_note' then movements.settled_amount else 0 end
        ) as credited_amount,
    from issued
    inner join movements
        on issued.invoice_number = movements.invoice_number
        and movements.movement_on <= issued.as_of_date
    group by issued.as_of_date, issued.invoice_number

),

last_actions as (

    select
        issued.as_of_date,
        issued.invoice_number,
        actions.action_type as last_action_type,
        actions.action_on as last_action_on,
    from issued
    inner join actions
        on issued.invoice_number = actions.invoice_number
        and actions.action_on <= issued.as_of_date
    qualify row_number() over (
        partition by issued.as_of_date, issued.invoice_number
        order by actions.action_on desc, actions.collection_action_id desc
    ) = 1

),

netted as (

    select
        issued.*,
        cast(coalesce(settled.paid_amount, 0) as decimal(18, 2)) as paid_amount,
        cast(coalesce(settled.credited_amount, 0) as decimal(18, 2)) as credited_amount,
        cast(
            issued.total - coalesce(settled.paid_amount, 0) - coalesce(settled.credited_amount, 0)
            as decimal(18, 2)
        ) as open_amount,
        cast(datediff('day', issued.due_on, issued.as_of_date) as integer) as days_past_due,
        last_actions.last_action_type,
        last_actions.last_action_on,
    from issued
    left join settled
        on issued.as_of_date = settled.as_of_date
        and issued.invoice_number = settled.invoice_number
    left join last_actions
        on issued.as_of_date = last_actions.as_of_date
        and issued.invoice_number = last_actions.invoice_number

),

final as (

    select
        invoice_number,
        account_code,
        due_on,
        open_amount,
        days_past_due,
        {{ ar_bucket('days_past_due') }} as bucket,
        as_of_date,
        {{ ar_bucket_order('days_past_due') }} as bucket_order,
        account_name,
        contract_number,
        currency,
        issued_on,
        total,
        paid_amount,
        credited_amount,
        fx_rate_to_mxn,
        {{ money_times('open_amount', 'fx_rate_to_mxn') }} as open_amount_mxn,
        last_action_type,
        last_action_on,
    from netted
    where open_amount > 0.005

)

select * from final
{%- endmacro %}


{#- Aging bucket of a days-past-due expression: current (≤ 0), 1-30, 31-60, 61-90, 91-120, 120+ -#}
{% macro ar_bucket(days) -%}
    case
        when {{ days }} <= 0 then 'current'
        when {{ days }} <= 30 then '1-30'
        when {{ days }} <= 60 then '31-60'
        when {{ days }} <= 90 then '61-90'
        when {{ days }} <= 120 then '91-120'
        else '120+'
    end
{%- endmacro %}

{#- 0 (current) … 5 (120+): sorts buckets from youngest to oldest -#}
{% macro ar_bucket_order(days) -%}
    case
        when {{ days }} <= 0 then 0
        when {{ days }} <= 30 then 1
        when {{ days }} <= 60 then 2
        when {{ days }} <= 90 then 3
        when {{ days }} <= 120 then 4
        else 5
    end
{%- endmacro %}


{#-
    Customer credit as of a date D: payments received ≤ D minus their applications to
    invoices issued ≤ D (an application counts from the payment's date, as in the aging);
    a payment reversed on or before D leaves nothing. Only unapplied_amount > 0.005 listed.
    Rendered by fct_unapplied_payments (the build's as-of date) and the table macro
    marts.unapplied_payments(as_of).
-#}
{% macro unapplied_payments_sql(as_of_dates_sql, payments, movements) -%}
with

as_of_dates as (

    {{ as_of_dates_sql }}

),

payments as (

    select * from {{ payments }}

),

applications as (

    select * from {{ movements }}
    where movement_type = 'payment'

),

received as (

    select
        as_of_dates.as_of_date,
        payments.*,
    from payments
    inner join as_of_dates
        on payments.received_on <= as_of_dates.as_of_date

),

applied as (

    select
        received.as_of_date,
        received.payment_number,
        sum(applications.settled_amount) as applied_amount,
    from received
    inner join applications
        on received.payment_number = applications.payment_number
        and applications.invoice_issued_on <= received.as_of_date
    group by received.as_of_date, received.payment_number

),

netted as (

    select
        received.*,
        cast(coalesce(applied.applied_amount, 0) as decimal(18, 2)) as applied_amount,
        coalesce(received.reversed_on <= received.as_of_date, false) as is_reversed,
        cast(
            case
                when received.reversed_on <= received.as_of_date then 0
                else received.amount - coalesce(applied.applied_amount, 0)
            end as decimal(18, 2)
        ) as unapplied_amount,
    from received
    left join applied
        on received.as_of_date = applied.as_of_date
        and received.payment_number = applied.payment_number

),

final as (

    select
        payment_number,
        account_code,
        received_on,
        unapplied_amount,
        as_of_date,
        account_name,
        currency,
        amount,
        applied_amount,
        method,
        fx_rate_to_mxn,
        {{ money_times('unapplied_amount', 'fx_rate_to_mxn') }} as unapplied_amount_mxn,
    from netted
    where unapplied_amount > 0.005

)

select * from final
{%- endmacro %}


{#-
    DuckDB table macros in schema marts, emitted by post-hooks. The relations are named
    schema.table only (publish recreates macros from duckdb_functions().macro_definition in
    a file whose catalog has another name). `as_of` is cast, so a DATE or an ISO string works.
-#}
{% macro create_ar_aging_macro() -%}
    create or replace macro {{ this.schema }}.ar_aging(as_of) as table
    {{ ar_aging_sql(
        'select cast(as_of as date) as as_of_date',
        ref('fct_ar_documents').include(database=False),
        ref('fct_ar_movements').include(database=False),
        ref('fct_collection_actions').include(database=False),
    ) }}
{%- endmacro %}

{% macro create_unapplied_payments_macro() -%}
    create or replace macro {{ this.schema }}.unapplied_payments(as_of) as table
    {{ unapplied_payments_sql(
        'select cast(as_of as date) as as_of_date',
        ref('fct_ar_payments').include(database=False),
        ref('fct_ar_movements').include(database=False),
    ) }}
{%- endmacro %}
