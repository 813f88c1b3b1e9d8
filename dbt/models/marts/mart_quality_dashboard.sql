-- Quality per plant, machine type and day: yield, defect rate and defect class mix.
with quality as (
    select * from {{ ref('int_quality_aggregates') }}
),

equipment as (
    select * from {{ ref('stg_warehouse__equipment') }}
),

grouped as (
    select
        q.plant_id,
        e.equipment_type,
        q.date_day,
        sum(q.batches) as batches,
        sum(q.units_produced) as units_produced,
        sum(q.units_defective) as units_defective,
        sum(q.units_good) as units_good,
        sum(q.good_batches) as good_batches,
        sum(q.minor_batches) as minor_batches,
        sum(q.major_batches) as major_batches,
        sum(q.reject_batches) as reject_batches
    from quality as q
    left join equipment as e on e.equipment_id = q.equipment_id
    group by 1, 2, 3
),

final as (
    select
        {{ dbt.concat(['plant_id', "'|'", 'equipment_type', "'|'", dbt.safe_cast('date_day', dbt.type_string())]) }}
            as plant_type_day_key,
        grouped.*,
        {{ safe_ratio('units_defective', 'units_produced') }} as defect_rate,
        {{ safe_ratio('good_batches', 'batches') }} as first_pass_yield
    from grouped
)

select * from final
