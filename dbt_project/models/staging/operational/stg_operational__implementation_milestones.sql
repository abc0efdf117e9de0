with

source as (

    select * from {{ source('operational', 'implementation_milestones') }}
    where deleted_at is null  -- soft-deleted rows are withdrawn records

),

renamed as (

    select
        -- ids
        cast(id as bigint) as implementation_milestone_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(milestone as varchar) as milestone,
        cast(notes as varchar) as notes,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(done_on as date) as done_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
