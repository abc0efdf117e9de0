with

source as (

    select * from {{ source('operational', 'payment_applications') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as payment_application_id,
        cast(payment_id as bigint) as payment_id,
        cast(invoice_id as bigint) as invoice_id,

        -- strings
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('amount') }} as amount,

        -- dates
        cast(applied_on as date) as applied_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
