-- Units and defect classes per machine and day.
with inspections as (
    select * from {{ ref('stg_warehouse__quality_inspections') }}
),

daily as (
    select
        equipment_id,
        plant_id,
        cast(inspected_at as date) as date_day,
        count(*) as batches,
        sum(units_produced) as units_produced,
        sum(units_defective) as units_defective,
        sum(units_good) as units_good,
        sum(case when defect_class = 'good' then 1 else 0 end) as good_batches,
        sum(case when defect_class = 'minor' then 1 else 0 end) as minor_batches,
        sum(case when defect_class = 'major' then 1 else 0 end) as major_batches,
        sum(case when defect_class = 'reject' then 1 else 0 end) as reject_batches,
        sum(cycle_time_s) as cycle_time_s
    from inspections
    group by 1, 2, 3
),

final as (
    select
        {{ dbt.concat(['equipment_id', "'|'", dbt.safe_cast('date_day', dbt.type_string())]) }} as equipment_day_key,
        daily.*,
        {{ safe_ratio('units_defective', 'units_produced') }} as defect_rate
    from daily
)

select * from final
