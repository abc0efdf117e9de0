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

-- the causes in words (VALUES names its columns col0, col1)
cause_texts as (

    select
        col0 as cause_code,
        col1 as cause_text,
    from (
        values
        (
            'adjusted', 'Lecturas llegadas después de emitir; una emisión posterior lo ajustó '
            || '(factura de ajuste o nota de crédito).'
        ),
        ('billing_run', 'Facturado por la emisión de facturas, igual al cargo.'),
        (
            'invoiced_outside_run', 'Facturado fuera de la emisión (capturado a mano o '
            || 'importado), igual al cargo.'
        ),
        ('excluded', 'Excluido de la emisión por Finanzas: '),
        ('draft_not_posted', 'Hay un borrador sin emitir.'),
        ('not_run_yet', 'La emisión del periodo aún no se ha corrido.'),
        (
            'typed_by_hand_without_charge', 'Factura capturada a mano para un periodo sin cargo '
            || '(p. ej. después de una terminación registrada tarde).'
        ),
        ('charge_gone', 'El periodo ya no tiene cargo (contrato cerrado o fuera de vigencia).'),
        (
            'typed_by_hand_again', 'Además de la factura de la emisión se capturó otra a mano '
            || 'en el ERP (duplicada).'
        ),
        (
            'charge_changed_after_posting', 'El cargo cambió después de emitir (lecturas tardías '
            || 'o corregidas); la próxima emisión del periodo propone el ajuste.'
        ),
        ('typed_by_hand_differs', 'Factura capturada a mano con un importe distinto del cargo.')
    )

),

final as (

    select
        coded.contract_number,
        coded.period_start,
        coded.status,
        coded.cause_code,
        cause_texts.cause_text || coalesce(coded.exclusion_reason, '') as cause,
        coded.exclusion_reason,
        coded.run_invoices,
        coded.run_adjustments,
        coded.other_invoices,
    from coded
    inner join cause_texts
        on coded.cause_code = cause_texts.cause_code

)

select * from final
