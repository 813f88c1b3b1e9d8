-- Sensor statistics per machine and hour.
with readings as (
    select * from {{ ref('stg_warehouse__sensor_readings') }}
),

hourly as (
    select
        equipment_id,
        plant_id,
        {{ dbt.date_trunc('hour', 'reading_at') }} as hour_start,
        count(*) as reading_count,
        avg(temperature_c) as temperature_avg_c,
        max(temperature_c) as temperature_max_c,
        avg(vibration_rms_mm_s) as vibration_avg_mm_s,
        max(vibration_rms_mm_s) as vibration_max_mm_s,
        avg(pressure_bar) as pressure_avg_bar,
        avg(rotational_speed_rpm) as rotational_speed_avg_rpm,
        avg(torque_nm) as torque_avg_nm,
        avg(power_kw) as power_avg_kw,
        max(tool_wear_min) as tool_wear_max_min
    from readings
    group by 1, 2, 3
),

final as (
    select
        {{ dbt.concat(['equipment_id', "'|'", dbt.safe_cast('hour_start', dbt.type_string())]) }} as equipment_hour_key,
        hourly.*,
        cast(hour_start as date) as date_day
    from hourly
)

select * from final
