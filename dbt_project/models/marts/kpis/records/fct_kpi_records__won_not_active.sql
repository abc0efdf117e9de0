{#-
    won_not_active: won opportunities without an active contract more than
    var('won_not_active_days', 15) days after winning, at month end: won on or before the
    measurement day minus 16 days and no contract from it activated by then. One record
    per such opportunity and month.
-#}

{%- set grace_days = var('won_not_active_days', 15) -%}

with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

activations as (

    select
        opportunity_code,
        min(activated_on) as first_activated_on,
    from contracts
    where opportunity_code is not null
    group by opportunity_code

),

final as (

    select
        {{ kpi_record(
            'won_not_active', 'months.month', 'opportunity', 'opportunities.opportunity_code',
            'opportunities.won_on', 'opportunities.account_code', 'opportunities.contract_number',
            '1', 'null',
            "cast(months.measured_through - opportunities.won_on as varchar) || ' days since won'"
        ) }}
    from opportunities
    inner join months
        on months.measured_through - opportunities.won_on > {{ grace_days }}
    left join activations
        on opportunities.opportunity_code = activations.opportunity_code
    where opportunities.is_won
        and (
            activations.first_activated_on is null
            or activations.first_activated_on > months.measured_through
        )

)

select * from final
