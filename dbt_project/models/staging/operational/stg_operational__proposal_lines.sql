with

source as (

    select * from {{ source('operational', 'proposal_lines') }}

),

renamed as (

    select
        -- ids
        cast(id as bigint) as proposal_line_id,
        cast(proposal_id as bigint) as proposal_id,

        -- strings
        cast(line_type as varchar) as line_type,
        cast(description as varchar) as description,
        cast(created_by as varchar) as created_by,

        -- numerics
        cast(line_no as integer) as line_no,
        cast(quantity as integer) as quantity,
        {{ to_money('unit_price') }} as unit_price,
        {{ to_money('unit_cost') }} as unit_cost,

        -- timestamps
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,

    from source

),

final as (

    select * from renamed

)

select * from final
