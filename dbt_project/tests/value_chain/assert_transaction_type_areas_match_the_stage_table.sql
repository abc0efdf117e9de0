-- Duties within a stage (docs/stages-and-kpis.md): every transaction type has at least one
-- responsible area; an area is responsible for a type only in a stage the stage table gives
-- it (operator_areas); and every area of a stage records at least one of its types.
-- Returns the offenders.

with

transaction_types as (

    select * from {{ ref('transaction_types') }}

),

type_areas as (

    select * from {{ ref('transaction_type_areas') }}

),

operator_areas as (

    select * from {{ ref('operator_areas') }}

),

duties as (

    select
        type_areas.transaction_type,
        type_areas.area,
        transaction_types.stage_code,
    from type_areas
    inner join transaction_types
        on type_areas.transaction_type = transaction_types.transaction_type

),

final as (

    select
        transaction_types.transaction_type as offender,
        'transaction type without a responsible area' as problem,
    from transaction_types
    left join type_areas
        on transaction_types.transaction_type = type_areas.transaction_type
    where type_areas.transaction_type is null

    union all

    select
        duties.transaction_type || ' / ' || duties.area as offender,
        'area not responsible for the stage ' || duties.stage_code as problem,
    from duties
    left join operator_areas
        on duties.area = operator_areas.area
        and duties.stage_code = operator_areas.stage_code
    where operator_areas.area is null

    union all

    select
        operator_areas.area || ' / ' || operator_areas.stage_code as offender,
        'area of the stage records none of its transaction types' as problem,
    from operator_areas
    left join duties
        on operator_areas.area = duties.area
        and operator_areas.stage_code = duties.stage_code
    where duties.area is null

)

select * from final
