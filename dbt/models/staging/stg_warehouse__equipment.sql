with source as (
    select * from {{ source('warehouse', 'dim_equipment') }}
),

renamed as (
    select
        equipment_id,
        plant_id,
        plant_name,
        line_id,
        equipment_type,
        cast(install_date as date) as installed_on,
        {{ dbt.safe_cast('rated_power_kw', type_double()) }} as rated_power_kw,
        {{ dbt.safe_cast('ideal_cycle_time_s', type_double()) }} as ideal_cycle_time_s
    from source
),

final as (
    select * from renamed
)

select * from final
