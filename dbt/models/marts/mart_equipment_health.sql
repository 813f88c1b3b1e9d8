-- Daily health of each machine: sensor levels against its own norm, error time and failures.
with hourly as (
    select * from {{ ref('int_equipment_hourly_metrics') }}
),

availability as (
    select * from {{ ref('int_equipment_daily_availability') }}
),

labels as (
    select * from {{ ref('int_failure_labels') }}
),

daily as (
    select
        equipment_id,
        date_day,
        sum(reading_count) as readings,
        avg(temperature_avg_c) as temperature_avg_c,
        max(temperature_max_c) as temperature_max_c,
        avg(vibration_avg_mm_s) as vibration_avg_mm_s,
        max(vibration_max_mm_s) as vibration_max_mm_s,
        avg(power_avg_kw) as power_avg_kw,
        max(tool_wear_max_min) as tool_wear_max_min
    from hourly
    group by 1, 2
),

normed as (
    select
        daily.*,
        avg(vibration_avg_mm_s) over (partition by equipment_id) as vibration_norm_mm_s,
        avg(temperature_avg_c) over (partition by equipment_id) as temperature_norm_c
    from daily
),

final as (
    select
        {{ dbt.concat(['n.equipment_id', "'|'", dbt.safe_cast('n.date_day', dbt.type_string())]) }} as equipment_day_key,
        n.*,
        coalesce(a.error_s, 0) as error_s,
        coalesce(l.failure_events, 0) as failure_events,
        case
            when coalesce(l.failure_events, 0) > 0 or coalesce(a.error_s, 0) > 3600 then 'critical'
            when n.vibration_avg_mm_s > 1.25 * n.vibration_norm_mm_s
                or n.temperature_avg_c > n.temperature_norm_c + 10 then 'watch'
            else 'healthy'
        end as health_status
    from normed as n
    left join availability as a on a.equipment_id = n.equipment_id and a.date_day = n.date_day
    left join labels as l on l.equipment_id = n.equipment_id and l.date_day = n.date_day
)

select * from final
