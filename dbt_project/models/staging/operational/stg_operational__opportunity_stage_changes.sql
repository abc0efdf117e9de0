with

source as (

    select * from {{ source('operational', 'opportunity_stage_changes') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as opportunity_stage_change_id,
        cast(opportunity_id as bigint) as opportunity_id,

        -- strings
        cast(from_stage as varchar) as from_stage,
        cast(to_stage as varchar) as to_stage,
        cast(lost_reason as varchar) as lost_reason,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(changed_on as date) as changed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
