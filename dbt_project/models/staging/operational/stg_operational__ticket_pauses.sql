with

source as (

    select * from {{ source('operational', 'ticket_pauses') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as ticket_pause_id,
        cast(ticket_id as bigint) as ticket_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- timestamps
        cast(paused_at as timestamp) as paused_at,
        cast(resumed_at as timestamp) as resumed_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
