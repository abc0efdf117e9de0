with

source as (

    select * from {{ source('operational', 'closures') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as closure_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(reason as varchar) as reason,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(devices_retrieved as integer) as devices_retrieved,

        -- dates
        cast(closed_on as date) as closed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
