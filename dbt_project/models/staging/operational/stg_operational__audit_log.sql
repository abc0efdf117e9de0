with

source as (

    select * from {{ source('operational', 'audit_log') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as audit_log_id,

        -- strings
        cast(username as varchar) as username,
        cast(action as varchar) as action,
        cast(entity as varchar) as entity,
        cast(entity_key as varchar) as entity_key,
        cast(before_json as varchar) as before_json,
        cast(after_json as varchar) as after_json,

        -- timestamps
        cast("at" as timestamp) as logged_at,  -- noqa: RF06
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
