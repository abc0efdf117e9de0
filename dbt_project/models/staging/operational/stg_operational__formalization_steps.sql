with

source as (

    select * from {{ source('operational', 'formalization_steps') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as formalization_step_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(step as varchar) as step,
        cast(decision as varchar) as decision,
        cast(decided_by as varchar) as decided_by,
        cast(notes as varchar) as notes,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(decided_on as date) as decided_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
