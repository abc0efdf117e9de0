{#-
    actual_read_coverage: devices active in a billable period with an actual (not estimated)
    closing read ÷ devices active in the period (fct_device_usage, billable periods). One
    record per device and period.
-#}

with

usage as (

    select * from {{ ref('fct_device_usage') }}

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

final as (

    select
        {{ kpi_record(
            'actual_read_coverage',
            'months.month',
            'device_month',
            'usage.serial',
            'coalesce(usage.closing_read_on, usage.period_start)',
            'usage.account_code',
            'usage.contract_number',
            'case when usage.is_estimated then 0 else 1 end',
            '1',
            "case when usage.is_estimated then 'estimated' else 'read '"
            ~ " || cast(usage.closing_read_on as varchar) end"
        ) }}
    from usage
    inner join months
        on usage.period_start = months.month
    where usage.is_billable_period

)

select * from final
