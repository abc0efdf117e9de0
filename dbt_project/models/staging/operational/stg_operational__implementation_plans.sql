with

source as (

    select * from {{ source('operational', 'implementation_plans') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as implementation_plan_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- dates
        cast(planned_on as date) as planned_on,
        cast(planned_go_live as date) as planned_go_live,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
