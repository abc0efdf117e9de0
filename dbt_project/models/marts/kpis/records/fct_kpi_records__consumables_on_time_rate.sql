{#-
    consumables_on_time_rate: consumable deliveries made within 2 business days of the
    request ÷ deliveries made in the month (by delivery date).
-#}

with

deliveries as (

    select * from {{ ref('fct_consumable_deliveries') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'consumables_on_time_rate',
            'months.month',
            'consumable_request',
            'deliveries.request_number',
            'deliveries.delivered_at',
            'deliveries.account_code',
            'deliveries.contract_number',
            'case when deliveries.is_on_time then 1 else 0 end',
            '1',
            "deliveries.item || ' · '"
            ~ " || cast(deliveries.delivery_business_hours as varchar) || ' business h'"
        ) }}
    from deliveries
    inner join months
        on deliveries.delivered_month = months.month
    where deliveries.is_delivered

)

select * from final
