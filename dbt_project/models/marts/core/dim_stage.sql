{#- The six value-chain stages (docs/stages-and-kpis.md, Stages), with their transaction types and KPIs counted. -#}

with

stages as (

    select * from {{ ref('stages') }}

),

transaction_types as (

    select
        stage_code,
        count(*) as transaction_type_count,
    from {{ ref('transaction_types') }}
    group by stage_code

),

kpis as (

    select
        stage_code,
        count(*) as kpi_count,
    from {{ ref('kpi_catalog') }}
    group by stage_code

),

final as (

    select
        cast(stages.stage_id as integer) as stage_id,
        cast(stages.stage_code as varchar) as stage_code,
        cast(stages.name_es as varchar) as name_es,
        cast(stages.name_en as varchar) as name_en,
        cast(stages.areas as varchar) as areas,
        cast(stages.objective as varchar) as objective,
        cast(stages.objective_es as varchar) as objective_es,
        cast(stages.key_output as varchar) as key_output,
        cast(stages.key_output_es as varchar) as key_output_es,
        cast(stages.macroprocess as varchar) as macroprocess,
        cast(stages.manual_module as varchar) as manual_module,
        cast(stages.strategic_element as varchar) as strategic_element,
        cast(coalesce(transaction_types.transaction_type_count, 0) as integer)
            as transaction_type_count,
        cast(coalesce(kpis.kpi_count, 0) as integer) as kpi_count,
    from stages
    left join transaction_types
        on stages.stage_code = transaction_types.stage_code
    left join kpis
        on stages.stage_code = kpis.stage_code

)

select * from final
