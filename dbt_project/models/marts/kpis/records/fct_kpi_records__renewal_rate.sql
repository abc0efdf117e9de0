{#-
    renewal_rate: contract terms ending in the month that were renewed ÷ terms ending in the
    month (int_contract_term_ends: a term closed early ends on its closure date; a renewal
    recorded after the end still counts).
-#}

with

term_ends as (

    select * from {{ ref('int_contract_term_ends') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'renewal_rate',
            'months.month',
            'contract_term',
            "term_ends.contract_number || ' #' || cast(term_ends.term_number as varchar)",
            'term_ends.ended_on',
            'term_ends.account_code',
            'term_ends.contract_number',
            'case when term_ends.is_renewed then 1 else 0 end',
            '1',
            "term_ends.outcome || coalesce(' · ' || term_ends.closure_reason, '')"
            ~ " || coalesce(' · new end ' || cast(term_ends.new_end_date as varchar), '')"
        ) }}
    from term_ends
    inner join months
        on date_trunc('month', term_ends.ended_on) = months.month
    where term_ends.has_ended

)

select * from final
