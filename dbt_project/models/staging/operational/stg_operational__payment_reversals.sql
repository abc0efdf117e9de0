with

source as (

    select * from {{ source('operational', 'payment_reversals') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as payment_reversal_id,
        cast(payment_id as bigint) as payment_id,

        -- strings
        cast(reversal_number as varchar) as reversal_number,
        cast(reason as varchar) as reason,
        cast(created_by as varchar) as created_by,

        -- dates
        cast(reversed_on as date) as reversed_on,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
