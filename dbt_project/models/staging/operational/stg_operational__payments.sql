with

source as (

    select * from {{ source('operational', 'payments') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as payment_id,
        cast(account_id as bigint) as account_id,

        -- strings
        cast(payment_number as varchar) as payment_number,
        cast(currency as varchar) as currency,
        cast(method as varchar) as method,
        cast(created_by as varchar) as created_by,

        -- numerics
        {{ to_money('amount') }} as amount,

        -- dates
        cast(received_on as date) as received_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
