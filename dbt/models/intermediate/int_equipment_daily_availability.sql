-- Seconds per status per machine and day. Status records are changes: a status lasts until the
-- machine's next record (the last one until the end of the data); intervals are split at midnight (UTC).
with events as (
    select * from {{ ref('stg_warehouse__equipment_events') }}
    where event_source = 'status'
),

data_end as (
    select max(reading_at) as ended_at from {{ ref('stg_warehouse__sensor_readings') }}
),

intervals as (
    select
        equipment_id,
        plant_id,
        status,
        event_at as started_at,
        coalesce(
            lead(event_at) over (partition by equipment_id order by event_at, sequence_number),
            (select ended_at from data_end)
        ) as ended_at
    from events
),

days as (
    select
        date_day,
        cast(date_day as {{ dbt.type_timestamp() }}) as day_start,
        {{ dbt.dateadd('day', 1, 'cast(date_day as ' ~ dbt.type_timestamp() ~ ')') }} as day_end
    from {{ source('warehouse', 'dim_date') }}
),

split as (
    select
        i.equipment_id,
        i.plant_id,
        i.status,
        d.date_day,
        {{ seconds_between(
            'case when i.started_at > d.day_start then i.started_at else d.day_start end',
            'case when i.ended_at < d.day_end then i.ended_at else d.day_end end'
        ) }} as duration_s
    from intervals as i
    inner join days as d
        on i.started_at < d.day_end and i.ended_at > d.day_start
),

daily as (
    select
        equipment_id,
        plant_id,
        date_day,
        sum(case when status = 'running' then duration_s else 0 end) as running_s,
        sum(case when status = 'idle' then duration_s else 0 end) as idle_s,
        sum(case when status = 'error' then duration_s else 0 end) as error_s,
        sum(case when status = 'maintenance' then duration_s else 0 end) as maintenance_s,
        sum(duration_s) as observed_s
    from split
    group by 1, 2, 3
),

final as (
    select
        {{ dbt.concat(['equipment_id', "'|'", dbt.safe_cast('date_day', dbt.type_string())]) }} as equipment_day_key,
        daily.*,
        observed_s - idle_s as planned_s,
        {{ safe_ratio('running_s', 'observed_s - idle_s') }} as availability
    from daily
)

select * from final
