with source as (
    select * from {{ source('warehouse', 'fact_quality_inspections') }}
),

renamed as (
    select
        inspection_id,
        equipment_id,
        plant_id,
        batch_id,
        defect_class,
        image_id,
        cast(event_time as {{ dbt.type_timestamp() }}) as inspected_at,
        cast(units_produced as {{ dbt.type_bigint() }}) as units_produced,
        cast(units_defective as {{ dbt.type_bigint() }}) as units_defective,
        cast(units_good as {{ dbt.type_bigint() }}) as units_good,
        {{ dbt.safe_cast('process_temperature', type_double()) }} as process_temperature_c,
        {{ dbt.safe_cast('process_speed', type_double()) }} as process_speed,
        {{ dbt.safe_cast('process_pressure', type_double()) }} as process_pressure_bar,
        {{ dbt.safe_cast('cycle_time_s', type_double()) }} as cycle_time_s,
        {{ dbt.safe_cast('material_hardness', type_double()) }} as material_hardness,
        {{ dbt.safe_cast('tool_wear', type_double()) }} as tool_wear_min
    from source
),

final as (
    select * from renamed
)

select * from final
