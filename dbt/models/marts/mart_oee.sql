-- OEE per machine and day: availability x performance x quality.
with availability as (
    select * from {{ ref('int_equipment_daily_availability') }}
),

quality as (
    select * from {{ ref('int_quality_aggregates') }}
),

equipment as (
    select * from {{ ref('stg_warehouse__equipment') }}
),

joined as (
    select
        a.equipment_day_key,
        a.equipment_id,
        a.plant_id,
        e.equipment_type,
        a.date_day,
        a.running_s,
        a.planned_s,
        coalesce(q.units_produced, 0) as units_produced,
        coalesce(q.units_good, 0) as units_good,
        e.ideal_cycle_time_s,
        a.availability,
        case
            when a.running_s > 0
                then least(1.0, e.ideal_cycle_time_s * coalesce(q.units_produced, 0) / a.running_s)
        end as performance,
        {{ safe_ratio('q.units_good', 'q.units_produced') }} as quality
    from availability as a
    left join quality as q on q.equipment_day_key = a.equipment_day_key
    left join equipment as e on e.equipment_id = a.equipment_id
),

final as (
    select
        joined.*,
        availability * performance * quality as oee
    from joined
)

select * from final
