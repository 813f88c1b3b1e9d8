with source as (
    select * from {{ source('warehouse', 'fact_sensor_readings') }}
),

renamed as (
    select
        reading_id,
        equipment_id,
        plant_id,
        cast(event_time as {{ dbt.type_timestamp() }}) as reading_at,
        cast(sequence as {{ dbt.type_bigint() }}) as sequence_number,
        {{ dbt.safe_cast('temperature', type_double()) }} as temperature_c,
        {{ dbt.safe_cast('vibration_rms', type_double()) }} as vibration_rms_mm_s,
        {{ dbt.safe_cast('pressure', type_double()) }} as pressure_bar,
        {{ dbt.safe_cast('rotational_speed', type_double()) }} as rotational_speed_rpm,
        {{ dbt.safe_cast('torque', type_double()) }} as torque_nm,
        {{ dbt.safe_cast('power', type_double()) }} as power_kw,
        {{ dbt.safe_cast('tool_wear', type_double()) }} as tool_wear_min
    from source
),

final as (
    select * from renamed
)

select * from final
