{#-
    The CFDI status of a contract-period (fct_invoice_reconciliation.cfdi_status), from
    its invoices issued up to the as-of date (docs/cfdi.md): `cancelled` when every one of
    them is cancelled; otherwise, among those not cancelled, the worst of `amounts_differ`,
    then `not_stamped`, else `stamped`.
-#}

with

invoices as (

    select * from {{ ref('int_invoices_stamped') }}

),

issued as (

    select invoices.*
    from invoices
    inner join {{ ref('stg_operational__invoices') }} as posted
        on invoices.invoice_id = posted.invoice_id
    where posted.issued_on <= {{ as_of_date() }}

),

final as (

    select
        contract_id,
        period_start,
        cast(
            case
                when bool_and(cfdi_status = 'cancelled') then 'cancelled'
                when bool_or(cfdi_status = 'amounts_differ') then 'amounts_differ'
                when bool_or(cfdi_status = 'not_stamped') then 'not_stamped'
                else 'stamped'
            end as varchar
        ) as cfdi_status,
        count(*) filter (where cfdi_status = 'cancelled') as cancelled_invoice_count,
    from issued
    group by contract_id, period_start

)

select * from final
