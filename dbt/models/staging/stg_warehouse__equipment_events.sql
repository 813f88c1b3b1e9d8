with source as (
    select * from {{ source('warehouse', 'fact_equipment_events') }}
),

renamed as (
    select
        event_id,
        equipment_id,
        plant_id,
        event_source,
        status,
        error_code,
        maintenance_kind,
        failure_mode,
        cast(event_time as {{ dbt.type_timestamp() }}) as event_at,
        cast(end_time as {{ dbt.type_timestamp() }}) as ended_at,
        cast(sequence as {{ dbt.type_bigint() }}) as sequence_number
    from source
),

final as (
    select * from renamed
)

select * from final
