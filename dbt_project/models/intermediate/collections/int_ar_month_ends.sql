{#-
    The month ends the collections marts are computed at: from the month of the first
    invoice through the last month end on or before the build's as-of date (a month that
    has not ended yet has no month-end picture).
-#}

with

documents as (

    select * from {{ ref('int_ar_documents') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

bounds as (

    select
        cast(date_trunc('month', min(documents.issued_on)) as date) as first_month,
        cast(
            date_trunc('month', any_value(as_of.as_of_date) + 1) - interval 1 month as date
        ) as last_month,
    from documents
    cross join as_of

),

months as (

    select
        cast({{ month_series('first_month', 'last_month') }} as date) as month,
    from bounds
    where first_month <= last_month

),

final as (

    select
        month,
        {{ month_end('month') }} as month_end,
    from months

)

select * from final
