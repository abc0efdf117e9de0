with

source as (

    select * from {{ source('operational', 'collection_actions') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as collection_action_id,
        cast(invoice_id as bigint) as invoice_id,

        -- strings
        cast(action_type as varchar) as action_type,
        cast(notes as varchar) as notes,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('promised_amount') }} as promised_amount,

        -- dates
        cast(action_on as date) as action_on,
        cast(promised_on as date) as promised_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
