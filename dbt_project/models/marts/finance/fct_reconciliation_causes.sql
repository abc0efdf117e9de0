{#-
    Why each reconciliation case is what it is (docs/billing-run.md, "The demo's stories"):
    the billing run's documents, the invoices typed by hand, the exclusions with their
    reason and the drafts not posted explain every status of fct_invoice_reconciliation.
-#}

with

reconciliation as (

    select * from {{ ref('fct_invoice_reconciliation') }}

),

contracts as (

    select * from {{ ref('stg_operational__contracts') }}

),

invoices as (

    select * from {{ ref('stg_operational__invoices') }}

),

credit_notes as (

    select * from {{ ref('stg_operational__credit_notes') }}

),

exclusions as (

    select * from {{ ref('stg_operational__billing_exclusions') }}

),

drafts as (

    select * from {{ ref('stg_operational__invoice_drafts') }}

),

documents as (

    select
        contracts.contract_number,
        date_trunc('month', invoices.period_start) as period_start,
        count(*) filter (
            where invoices.origin = 'billing_run' and invoices.adjusts_invoice_id is null
        ) as run_invoices,
        count(*) filter (where invoices.adjusts_invoice_id is not null) as run_adjustments,
        count(*) filter (where invoices.origin <> 'billing_run') as other_invoices,
    from invoices
    inner join contracts
        on invoices.contract_id = contracts.contract_id
    group by all

),

run_credits as (

    select
        contracts.contract_number,
        date_trunc('month', invoices.period_start) as period_start,
        count(*) as run_credit_notes,
    from credit_notes
    inner join invoices
        on credit_notes.invoice_id = invoices.invoice_id
    inner join contracts
        on invoices.contract_id = contracts.contract_id
    where credit_notes.origin = 'billing_run'
    group by all

),

excluded as (

    select
        contracts.contract_number,
        exclusions.period_start,
        string_agg(exclusions.reason, '; ') as reason,
    from exclusions
    inner join contracts
        on exclusions.contract_id = contracts.contract_id
    group by all

),

pending_drafts as (

    select
        contracts.contract_number,
        drafts.period_start,
        count(*) as draft_count,
    from drafts
    inner join contracts
        on drafts.contract_id = contracts.contract_id
    where drafts.status = 'draft'
    group by all

),

facts as (

    select
        reconciliation.contract_number,
        reconciliation.period_start,
        reconciliation.status,
        excluded.reason as exclusion_reason,
        coalesce(documents.run_invoices, 0) as run_invoices,
        coalesce(documents.run_adjustments, 0) + coalesce(run_credits.run_credit_notes, 0)
            as run_adjustments,
        coalesce(documents.other_invoices, 0) as other_invoices,
        coalesce(pending_drafts.draft_count, 0) as draft_count,
    from reconciliation
    left join documents
        on reconciliation.contract_number = documents.contract_number
        and reconciliation.period_start = documents.period_start
    left join run_credits
        on reconciliation.contract_number = run_credits.contract_number
        and reconciliation.period_start = run_credits.period_start
    left join excluded
        on reconciliation.contract_number = excluded.contract_number
        and reconciliation.period_start = excluded.period_start
    left join pending_drafts
        on reconciliation.contract_number = pending_drafts.contract_number
        and reconciliation.period_start = pending_drafts.period_start

),

coded as (

    select
        *,
        case
            when status = 'matched' and run_adjustments > 0 then 'adjusted'
            when status = 'matched' and run_invoices > 0 then 'billing_run'
            when status = 'matched' then 'invoiced_outside_run'
            when status = 'not_invoiced' and exclusion_reason is not null then 'excluded'
            when status = 'not_invoiced' and draft_count > 0 then 'draft_not_posted'
            when status = 'not_invoiced' then 'not_run_yet'
            when status = 'invoice_without_charge' and other_invoices > 0
                then 'typed_by_hand_without_charge'
            when status = 'invoice_without_charge' then 'charge_gone'
            when run_invoices > 0 and other_invoices > 0 then 'typed_by_hand_again'
            when run_invoices > 0 then 'charge_changed_after_posting'
            else 'typed_by_hand_differs'
        end as cause_code,
    from facts

),

final as (

    select
        contract_number,
        period_start,
        status,
        cause_code,
        case cause_code
            when 'adjusted' then 'Lecturas llegadas después de emitir; una emisión posterior '
                || 'lo ajustó (factura de ajuste o nota de crédito).'
            when 'billing_run' then 'Facturado por la emisión de facturas, igual al cargo.'
            when 'invoiced_outside_run' then 'Facturado fuera de la emisión (capturado a mano '
                || 'o importado), igual al cargo.'
            when 'excluded' then 'Excluido de la emisión por Finanzas: ' || exclusion_reason
            when 'draft_not_posted' then 'Hay un borrador sin emitir.'
            when 'not_run_yet' then 'La emisión del periodo aún no se ha corrido.'
            when 'typed_by_hand_without_charge' then 'Factura capturada a mano para un periodo '
                || 'sin cargo (p. ej. después de una terminación registrada tarde).'
            when 'charge_gone' then 'El periodo ya no tiene cargo (contrato cerrado o fuera '
                || 'de vigencia).'
            when 'typed_by_hand_again' then 'Además de la factura de la emisión se capturó otra '
                || 'a mano en el ERP (duplicada).'
            when 'charge_changed_after_posting' then 'El cargo cambió después de emitir '
                || '(lecturas tardías o corregidas); la próxima emisión del periodo propone '
                || 'el ajuste.'
            else 'Factura capturada a mano con un importe distinto del cargo.'
        end as cause,
        exclusion_reason,
        run_invoices,
        run_adjustments,
        other_invoices,
    from coded

)

select * from final
