with

source as (

    select * from {{ source('operational', 'amendments') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as amendment_id,
        cast(contract_id as bigint) as contract_id,

        -- strings
        cast(amendment_number as varchar) as amendment_number,
        cast(amendment_type as varchar) as amendment_type,
        cast(description as varchar) as description,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(devices_delta as integer) as devices_delta,

        -- dates
        cast(amended_on as date) as amended_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
