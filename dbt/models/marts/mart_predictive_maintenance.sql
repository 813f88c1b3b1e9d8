-- Per machine and day: condition indicators and the failure-within-horizon label, for analysts.
with health as (
    select * from {{ ref('mart_equipment_health') }}
),

labels as (
    select * from {{ ref('int_failure_labels') }}
),

equipment as (
    select * from {{ ref('stg_warehouse__equipment') }}
),

final as (
    select
        h.equipment_day_key,
        h.equipment_id,
        e.equipment_type,
        e.plant_id,
        h.date_day,
        {{ dbt.datediff('e.installed_on', 'h.date_day', 'day') }} as equipment_age_days,
        h.temperature_avg_c,
        h.temperature_max_c,
        h.vibration_avg_mm_s,
        h.vibration_max_mm_s,
        h.power_avg_kw,
        h.tool_wear_max_min,
        h.error_s,
        h.failure_events,
        l.next_failure_date,
        coalesce(l.failure_within_horizon, 0) as failure_within_7_days
    from health as h
    left join labels as l on l.equipment_day_key = h.equipment_day_key
    left join equipment as e on e.equipment_id = h.equipment_id
)

select * from final
