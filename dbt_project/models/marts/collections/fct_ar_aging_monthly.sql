{#-
    The aging at every month end (month end × open invoice), for trends: the same rule as
    marts.ar_aging(as_of) — both render ar_aging_sql — evaluated at each month end of
    int_ar_month_ends. The post-hook creates the table macro marts.ar_aging.
-#}

{{ config(post_hook="{{ create_ar_aging_macro() }}") }}

with

aging as (

    {{ ar_aging_sql(
        'select month_end as as_of_date from ' ~ ref('int_ar_month_ends'),
        ref('fct_ar_documents'),
        ref('fct_ar_movements'),
        ref('fct_collection_actions'),
    ) | indent(4) }}

),

final as (

    select
        as_of_date as month_end,
        cast(date_trunc('month', as_of_date) as date) as month,
        invoice_number,
        account_code,
        account_name,
        contract_number,
        currency,
        issued_on,
        due_on,
        total,
        paid_amount,
        credited_amount,
        open_amount,
        fx_rate_to_mxn,
        open_amount_mxn,
        days_past_due,
        bucket,
        bucket_order,
        last_action_type,
        last_action_on,
    from aging

)

select * from final
