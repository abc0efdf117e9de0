-- agg_stage_records lists its staging models by hand: it must count every transaction type.

with

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

stage_records as (

    select * from {{ ref('agg_stage_records') }}

),

final as (

    select transaction_types.transaction_type
    from transaction_types
    left join stage_records
        on transaction_types.transaction_type = stage_records.transaction_type
    where stage_records.transaction_type is null

)

select * from final
