{#-
    The value chain as data: every transaction recorded in the operational store as one
    event, with the stage it supports (the transaction_types seed: every transaction type
    maps to exactly one stage, assert_stage_events_map_to_one_stage), when it happened in
    business terms, and the account and contract it belongs to. event_at is the
    business moment: the ticket, pause, request and monitoring times as recorded
    (America/Mexico_City wall time), midnight of the business date for dated records, and
    the recording time converted from UTC for accounts (which carry no business date).
-#}

with

accounts as (

    select * from {{ ref('stg_operational__accounts') }}

),

opportunities as (

    select * from {{ ref('stg_operational__opportunities') }}

),

proposals as (

    select * from {{ ref('stg_operational__proposals') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

price_plans as (

    select * from {{ ref('stg_operational__price_plans') }}

),

devices as (

    select * from {{ ref('stg_operational__devices') }}

),

tickets as (

    select * from {{ ref('stg_operational__tickets') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

payments as (

    select * from {{ ref('stg_operational__payments') }}

),

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

-- the account of a CFDI de pago: that of the first payment it proves
pago_accounts as (

    select
        cfdi_payments.cfdi_document_id,
        min(accounts.account_code) as account_code,
    from {{ ref('stg_operational__cfdi_payments') }} as cfdi_payments
    inner join payments
        on cfdi_payments.payment_id = payments.payment_id
    inner join accounts
        on payments.account_id = accounts.account_id
    group by cfdi_payments.cfdi_document_id

),

-- devices and invoices resolved to their contract once, for the records hanging off them
device_contracts as (

    select
        devices.device_id,
        devices.serial,
        contracts.contract_number,
        contracts.account_code,
    from devices
    inner join contracts
        on devices.contract_id = contracts.contract_id

),

invoice_contracts as (

    select
        invoices.invoice_id,
        invoices.invoice_number,
        contracts.contract_number,
        contracts.account_code,
    from invoices
    inner join contracts
        on invoices.contract_id = contracts.contract_id

),

events as (

    -- 1 sales
    select
        'accounts' as transaction_type,
        account_id as record_id,
        timezone('America/Mexico_City', timezone('UTC', created_at)) as event_at,
        account_code,
        cast(null as varchar) as contract_number,
        account_code as business_key,
    from accounts

    union all

    select
        'opportunities' as transaction_type,
        opportunities.opportunity_id as record_id,
        cast(opportunities.created_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        opportunities.opportunity_code as business_key,
    from opportunities
    inner join accounts
        on opportunities.account_id = accounts.account_id

    union all

    select
        'opportunity_stage_changes' as transaction_type,
        stage_changes.opportunity_stage_change_id as record_id,
        cast(stage_changes.changed_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        concat_ws(
            ':', opportunities.opportunity_code, stage_changes.to_stage, stage_changes.changed_on
        ) as business_key,
    from {{ ref('stg_operational__opportunity_stage_changes') }} as stage_changes
    inner join opportunities
        on stage_changes.opportunity_id = opportunities.opportunity_id
    inner join accounts
        on opportunities.account_id = accounts.account_id

    union all

    select
        'proposals' as transaction_type,
        proposals.proposal_id as record_id,
        cast(proposals.proposed_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        proposals.proposal_code as business_key,
    from proposals
    inner join opportunities
        on proposals.opportunity_id = opportunities.opportunity_id
    inner join accounts
        on opportunities.account_id = accounts.account_id

    union all

    select
        'proposal_lines' as transaction_type,
        proposal_lines.proposal_line_id as record_id,
        cast(proposals.proposed_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        proposals.proposal_code || ':' || cast(proposal_lines.line_no as varchar) as business_key,
    from {{ ref('stg_operational__proposal_lines') }} as proposal_lines
    inner join proposals
        on proposal_lines.proposal_id = proposals.proposal_id
    inner join opportunities
        on proposals.opportunity_id = opportunities.opportunity_id
    inner join accounts
        on opportunities.account_id = accounts.account_id

    union all

    -- 2 formalization

    select
        'contracts' as transaction_type,
        contract_id as record_id,
        cast(start_date as timestamp) as event_at,
        account_code,
        contract_number,
        contract_number as business_key,
    from contracts

    union all

    select
        'price_plans' as transaction_type,
        price_plans.price_plan_id as record_id,
        cast(price_plans.effective_from as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || cast(price_plans.effective_from as varchar)
            as business_key,
    from price_plans
    inner join contracts
        on price_plans.contract_id = contracts.contract_id

    union all

    select
        'price_tiers' as transaction_type,
        price_tiers.price_tier_id as record_id,
        cast(price_plans.effective_from as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        concat_ws(
            ':',
            contracts.contract_number,
            price_plans.effective_from,
            price_tiers.meter,
            price_tiers.from_page
        ) as business_key,
    from {{ ref('stg_operational__price_tiers') }} as price_tiers
    inner join price_plans
        on price_tiers.price_plan_id = price_plans.price_plan_id
    inner join contracts
        on price_plans.contract_id = contracts.contract_id

    union all

    select
        'sla_terms' as transaction_type,
        sla_terms.sla_term_id as record_id,
        cast(sla_terms.effective_from as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || cast(sla_terms.effective_from as varchar)
            as business_key,
    from {{ ref('stg_operational__sla_terms') }} as sla_terms
    inner join contracts
        on sla_terms.contract_id = contracts.contract_id

    union all

    select
        'formalization_steps' as transaction_type,
        steps.formalization_step_id as record_id,
        cast(steps.decided_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        concat_ws(
            ':', contracts.contract_number, steps.step, steps.decided_on, steps.decision
        ) as business_key,
    from {{ ref('stg_operational__formalization_steps') }} as steps
    inner join contracts
        on steps.contract_id = contracts.contract_id

    union all

    -- 3 implementation

    select
        'implementation_plans' as transaction_type,
        plans.implementation_plan_id as record_id,
        cast(plans.planned_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number as business_key,
    from {{ ref('stg_operational__implementation_plans') }} as plans
    inner join contracts
        on plans.contract_id = contracts.contract_id

    union all

    select
        'implementation_milestones' as transaction_type,
        milestones.implementation_milestone_id as record_id,
        cast(milestones.done_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || milestones.milestone as business_key,
    from {{ ref('stg_operational__implementation_milestones') }} as milestones
    inner join contracts
        on milestones.contract_id = contracts.contract_id

    union all

    select
        'devices' as transaction_type,
        devices.device_id as record_id,
        cast(devices.installed_on as timestamp) as event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        devices.serial as business_key,
    from devices
    inner join device_contracts
        on devices.device_id = device_contracts.device_id

    union all

    -- 4 operation

    select
        'tickets' as transaction_type,
        tickets.ticket_id as record_id,
        tickets.opened_at as event_at,
        contracts.account_code,
        contracts.contract_number,
        tickets.ticket_number as business_key,
    from tickets
    inner join contracts
        on tickets.contract_id = contracts.contract_id

    union all

    select
        'ticket_pauses' as transaction_type,
        pauses.ticket_pause_id as record_id,
        pauses.paused_at as event_at,
        contracts.account_code,
        contracts.contract_number,
        tickets.ticket_number || ':' || cast(pauses.paused_at as varchar) as business_key,
    from {{ ref('stg_operational__ticket_pauses') }} as pauses
    inner join tickets
        on pauses.ticket_id = tickets.ticket_id
    inner join contracts
        on tickets.contract_id = contracts.contract_id

    union all

    select
        'maintenance_plans' as transaction_type,
        maintenance_plans.maintenance_plan_id as record_id,
        cast(maintenance_plans.starts_on as timestamp) as event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        device_contracts.serial as business_key,
    from {{ ref('stg_operational__maintenance_plans') }} as maintenance_plans
    inner join device_contracts
        on maintenance_plans.device_id = device_contracts.device_id

    union all

    select
        'maintenance_visits' as transaction_type,
        visits.maintenance_visit_id as record_id,
        cast(coalesce(visits.done_on, visits.due_on) as timestamp) as event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        visits.visit_code as business_key,
    from {{ ref('stg_operational__maintenance_visits') }} as visits
    inner join device_contracts
        on visits.device_id = device_contracts.device_id

    union all

    select
        'consumable_requests' as transaction_type,
        requests.consumable_request_id as record_id,
        requests.requested_at as event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        requests.request_number as business_key,
    from {{ ref('stg_operational__consumable_requests') }} as requests
    inner join device_contracts
        on requests.device_id = device_contracts.device_id

    union all

    select
        'device_events' as transaction_type,
        device_events.device_event_id as record_id,
        device_events.event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        concat_ws(
            ':', device_contracts.serial, device_events.event_type, device_events.event_at
        ) as business_key,
    from {{ ref('stg_operational__device_events') }} as device_events
    inner join device_contracts
        on device_events.device_id = device_contracts.device_id

    union all

    -- 5 billing

    select
        'meter_readings' as transaction_type,
        readings.meter_reading_id as record_id,
        cast(readings.read_on as timestamp) as event_at,
        device_contracts.account_code,
        device_contracts.contract_number,
        concat_ws(
            ':',
            device_contracts.serial,
            readings.read_on,
            case when readings.meter_reset then 'reset' end
        ) as business_key,
    from {{ ref('stg_operational__meter_readings') }} as readings
    inner join device_contracts
        on readings.device_id = device_contracts.device_id

    union all

    select
        'invoices' as transaction_type,
        invoices.invoice_id as record_id,
        cast(invoices.issued_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        invoices.invoice_number as business_key,
    from invoices
    inner join invoice_contracts
        on invoices.invoice_id = invoice_contracts.invoice_id

    union all

    select
        'credit_notes' as transaction_type,
        credit_notes.credit_note_id as record_id,
        cast(credit_notes.issued_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        credit_notes.credit_note_number as business_key,
    from {{ ref('stg_operational__credit_notes') }} as credit_notes
    inner join invoice_contracts
        on credit_notes.invoice_id = invoice_contracts.invoice_id

    union all

    -- the billing run (docs/billing-run.md): posted lines on their document's date; drafts,
    -- their lines (those of replaced drafts too) and exclusions when they were recorded
    select
        'invoice_lines' as transaction_type,
        lines.invoice_line_id as record_id,
        cast(invoices.issued_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        invoice_contracts.invoice_number || ':' || lines.line_number as business_key,
    from {{ ref('stg_operational__invoice_lines') }} as lines
    inner join invoices
        on lines.invoice_id = invoices.invoice_id
    inner join invoice_contracts
        on lines.invoice_id = invoice_contracts.invoice_id

    union all

    select
        'credit_note_lines' as transaction_type,
        lines.credit_note_line_id as record_id,
        cast(notes.issued_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        notes.credit_note_number || ':' || lines.line_number as business_key,
    from {{ ref('stg_operational__credit_note_lines') }} as lines
    inner join {{ ref('stg_operational__credit_notes') }} as notes
        on lines.credit_note_id = notes.credit_note_id
    inner join invoice_contracts
        on notes.invoice_id = invoice_contracts.invoice_id

    union all

    select
        'invoice_drafts' as transaction_type,
        drafts.invoice_draft_id as record_id,
        timezone('America/Mexico_City', timezone('UTC', drafts.created_at)) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || strftime(drafts.period_start, '%Y-%m')
        || ':' || drafts.purpose as business_key,
    from {{ ref('stg_operational__invoice_drafts') }} as drafts
    inner join contracts
        on drafts.contract_id = contracts.contract_id

    union all

    select
        'invoice_draft_lines' as transaction_type,
        lines.invoice_draft_line_id as record_id,
        timezone('America/Mexico_City', timezone('UTC', lines.created_at)) as event_at,
        contracts.account_code,
        contracts.contract_number,
        'draft ' || lines.invoice_draft_id || ':' || lines.line_number as business_key,
    from {{ ref('stg_operational__invoice_draft_lines') }} as lines
    -- a replaced draft is not staged: its lines keep no contract
    left join {{ ref('stg_operational__invoice_drafts') }} as live_drafts
        on lines.invoice_draft_id = live_drafts.invoice_draft_id
    left join contracts
        on live_drafts.contract_id = contracts.contract_id

    union all

    select
        'billing_exclusions' as transaction_type,
        exclusions.billing_exclusion_id as record_id,
        timezone('America/Mexico_City', timezone('UTC', exclusions.created_at)) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':'
        || strftime(exclusions.period_start, '%Y-%m') as business_key,
    from {{ ref('stg_operational__billing_exclusions') }} as exclusions
    inner join contracts
        on exclusions.contract_id = contracts.contract_id

    union all

    select
        'payments' as transaction_type,
        payments.payment_id as record_id,
        cast(payments.received_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        payments.payment_number as business_key,
    from payments
    inner join accounts
        on payments.account_id = accounts.account_id

    union all

    select
        'payment_applications' as transaction_type,
        applications.payment_application_id as record_id,
        cast(applications.applied_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        payments.payment_number || ':' || invoice_contracts.invoice_number as business_key,
    from {{ ref('stg_operational__payment_applications') }} as applications
    inner join payments
        on applications.payment_id = payments.payment_id
    inner join invoice_contracts
        on applications.invoice_id = invoice_contracts.invoice_id

    union all

    select
        'payment_reversals' as transaction_type,
        reversals.payment_reversal_id as record_id,
        cast(reversals.reversed_on as timestamp) as event_at,
        accounts.account_code,
        null as contract_number,
        reversals.reversal_number as business_key,
    from {{ ref('stg_operational__payment_reversals') }} as reversals
    inner join payments
        on reversals.payment_id = payments.payment_id
    inner join accounts
        on payments.account_id = accounts.account_id

    union all

    -- stamped CFDI (docs/cfdi.md): an ingreso or egreso under its invoice's contract, a
    -- pago under the account of the first payment it proves
    select
        'cfdi_documents' as transaction_type,
        documents.cfdi_document_id as record_id,
        documents.stamped_at as event_at,
        coalesce(invoice_contracts.account_code, pago_accounts.account_code) as account_code,
        invoice_contracts.contract_number,
        documents.uuid as business_key,
    from {{ ref('stg_operational__cfdi_documents') }} as documents
    left join {{ ref('stg_operational__credit_notes') }} as cfdi_credit_notes
        on documents.credit_note_id = cfdi_credit_notes.credit_note_id
    left join invoice_contracts
        on coalesce(documents.invoice_id, cfdi_credit_notes.invoice_id)
        = invoice_contracts.invoice_id
    left join pago_accounts
        on documents.cfdi_document_id = pago_accounts.cfdi_document_id

    union all

    select
        'cfdi_payments' as transaction_type,
        cfdi_payments.cfdi_payment_id as record_id,
        cfdi_payments.paid_at as event_at,
        accounts.account_code,
        null as contract_number,
        payments.payment_number as business_key,
    from {{ ref('stg_operational__cfdi_payments') }} as cfdi_payments
    inner join payments
        on cfdi_payments.payment_id = payments.payment_id
    inner join accounts
        on payments.account_id = accounts.account_id

    union all

    select
        'cfdi_cancellations' as transaction_type,
        cancellations.cfdi_cancellation_id as record_id,
        cancellations.cancelled_at as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        cancellations.uuid as business_key,
    from {{ ref('stg_operational__cfdi_cancellations') }} as cancellations
    left join {{ ref('stg_operational__cfdi_documents') }} as cancelled
        on cancellations.uuid = cancelled.uuid
    left join invoice_contracts
        on cancelled.invoice_id = invoice_contracts.invoice_id

    union all

    select
        'collection_actions' as transaction_type,
        actions.collection_action_id as record_id,
        cast(actions.action_on as timestamp) as event_at,
        invoice_contracts.account_code,
        invoice_contracts.contract_number,
        concat_ws(
            ':', invoice_contracts.invoice_number, actions.action_type, actions.action_on
        ) as business_key,
    from {{ ref('stg_operational__collection_actions') }} as actions
    inner join invoice_contracts
        on actions.invoice_id = invoice_contracts.invoice_id

    union all

    -- 6 renewal

    select
        'contract_reviews' as transaction_type,
        reviews.contract_review_id as record_id,
        cast(reviews.review_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || cast(reviews.review_on as varchar) as business_key,
    from {{ ref('stg_operational__contract_reviews') }} as reviews
    inner join contracts
        on reviews.contract_id = contracts.contract_id

    union all

    select
        'renewals' as transaction_type,
        renewals.renewal_id as record_id,
        cast(renewals.renewed_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number || ':' || cast(renewals.previous_end_date as varchar)
            as business_key,
    from {{ ref('stg_operational__renewals') }} as renewals
    inner join contracts
        on renewals.contract_id = contracts.contract_id

    union all

    select
        'amendments' as transaction_type,
        amendments.amendment_id as record_id,
        cast(amendments.amended_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        amendments.amendment_number as business_key,
    from {{ ref('stg_operational__amendments') }} as amendments
    inner join contracts
        on amendments.contract_id = contracts.contract_id

    union all

    select
        'closures' as transaction_type,
        closures.closure_id as record_id,
        cast(closures.closed_on as timestamp) as event_at,
        contracts.account_code,
        contracts.contract_number,
        contracts.contract_number as business_key,
    from {{ ref('stg_operational__closures') }} as closures
    inner join contracts
        on closures.contract_id = contracts.contract_id

),

final as (

    select
        cast(events.transaction_type || ':' || cast(events.record_id as varchar) as varchar)
            as event_id,
        cast(transaction_types.stage_code as varchar) as stage_code,
        cast(events.transaction_type as varchar) as transaction_type,
        cast(events.event_at as timestamp) as event_at,
        cast(events.event_at as date) as event_date,
        cast(events.account_code as varchar) as account_code,
        cast(events.contract_number as varchar) as contract_number,
        cast(events.business_key as varchar) as business_key,
    from events
    left join transaction_types
        on events.transaction_type = transaction_types.transaction_type

)

select * from final
