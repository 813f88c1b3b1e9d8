with source as (
    select * from {{ source('warehouse', 'fact_production_metrics') }}
),

renamed as (
    select
        equipment_id,
        plant_id,
        cast(hour_start as {{ dbt.type_timestamp() }}) as hour_start,
        cast(batches as {{ dbt.type_bigint() }}) as batches,
        cast(units_produced as {{ dbt.type_bigint() }}) as units_produced,
        cast(units_defective as {{ dbt.type_bigint() }}) as units_defective,
        cast(units_good as {{ dbt.type_bigint() }}) as units_good,
        {{ dbt.safe_cast('cycle_time_s', type_double()) }} as cycle_time_s,
        {{ dbt.safe_cast('ideal_cycle_time_s', type_double()) }} as ideal_cycle_time_s
    from source
),

final as (
    select * from renamed
)

select * from final
