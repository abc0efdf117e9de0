{#-
    The one owner of "which exchange rate converts an amount to MXN" (docs/billing.md,
    "Currencies"): an amount dated D in currency C converts at C's latest rate dated on or
    before D; MXN converts at 1. One row per rate, valid from its date until the next one;
    MXN has one row valid from the start of time. Models never join fx_rates themselves:
    they call the `fx_asof_join` macro, which joins this model. An amount dated before its
    currency's first rate finds no row: its MXN value is null and fct_data_issues lists it
    (a data gap, never a failed build).
-#}

with

fx_rates as (

    select * from {{ ref('stg_operational__fx_rates') }}

),

foreign_rates as (

    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_until,
        rate_date,
        mxn_per_unit,
    from fx_rates
    where currency <> 'MXN'

),

peso as (

    select
        'MXN' as currency,
        cast('0001-01-01' as date) as valid_from,
        cast(null as date) as valid_until,
        cast(null as date) as rate_date,
        cast(1 as decimal(18, 6)) as mxn_per_unit,

),

final as (

    select * from foreign_rates
    union all
    select * from peso

)

select * from final
