{#-
    Records per stage and transaction type (the value-chain page). The list of staging
    models is written out because dbt needs static refs; the tests prove it covers every
    row of the transaction_types seed, and the seed covers every raw table.
-#}
{%- set transaction_types = [
    'accounts', 'opportunities', 'opportunity_stage_changes', 'proposals', 'proposal_lines',
    'contracts', 'price_plans', 'price_tiers', 'sla_terms', 'formalization_steps',
    'implementation_plans', 'implementation_milestones', 'devices',
    'tickets', 'ticket_pauses', 'maintenance_plans', 'maintenance_visits',
    'consumable_requests', 'device_events',
    'meter_readings', 'invoices', 'invoice_lines', 'invoice_drafts', 'invoice_draft_lines',
    'billing_exclusions', 'credit_notes', 'credit_note_lines', 'payments',
    'payment_applications', 'payment_reversals', 'cfdi_documents', 'cfdi_payments',
    'cfdi_cancellations', 'collection_actions',
    'contract_reviews', 'renewals', 'amendments', 'closures',
] -%}

with

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

counts as (

    {% for transaction_type in transaction_types %}
        select
            '{{ transaction_type }}' as transaction_type,
            count(*) as records,
        from {{ ref('stg_operational__' ~ transaction_type) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(transaction_types.stage_code as varchar) as stage_code,
        cast(counts.transaction_type as varchar) as transaction_type,
        cast(transaction_types.name_es as varchar) as transaction_type_name_es,
        cast(transaction_types.name_en as varchar) as transaction_type_name_en,
        cast(counts.records as bigint) as records,
    from counts
    inner join transaction_types
        on counts.transaction_type = transaction_types.transaction_type

)

select * from final
