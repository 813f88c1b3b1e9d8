-- Failures (starts of error episodes and corrective maintenance) and, per machine and day, whether
-- a failure follows within var('failure_horizon_days') days.
with events as (
    select * from {{ ref('stg_warehouse__equipment_events') }}
),

status_sequence as (
    select
        equipment_id,
        event_at,
        status,
        lag(status) over (partition by equipment_id order by event_at, sequence_number) as previous_status
    from events
    where event_source = 'status'
),

failures as (
    select equipment_id, event_at as failure_at, 'error_episode' as evidence
    from status_sequence
    where status = 'error' and (previous_status is null or previous_status != 'error')
    union all
    select equipment_id, event_at as failure_at, 'corrective_maintenance' as evidence
    from events
    where event_source = 'maintenance' and maintenance_kind = 'corrective'
),

-- one breakdown usually shows as both an error episode and a corrective maintenance: count the larger
failure_days as (
    select
        equipment_id,
        cast(failure_at as date) as failure_date,
        greatest(
            sum(case when evidence = 'error_episode' then 1 else 0 end),
            sum(case when evidence = 'corrective_maintenance' then 1 else 0 end)
        ) as failure_events
    from failures
    group by 1, 2
),

machine_days as (
    select distinct equipment_id, date_day
    from {{ ref('int_equipment_hourly_metrics') }}
),

upcoming as (
    select
        d.equipment_id,
        d.date_day,
        min(f.failure_date) as next_failure_date
    from machine_days as d
    left join failure_days as f
        on f.equipment_id = d.equipment_id
        and {{ dbt.datediff('d.date_day', 'f.failure_date', 'day') }} between 1 and {{ var('failure_horizon_days') }}
    group by 1, 2
),

final as (
    select
        {{ dbt.concat(['u.equipment_id', "'|'", dbt.safe_cast('u.date_day', dbt.type_string())]) }} as equipment_day_key,
        u.equipment_id,
        u.date_day,
        coalesce(fd.failure_events, 0) as failure_events,
        u.next_failure_date,
        case when u.next_failure_date is not null then 1 else 0 end as failure_within_horizon
    from upcoming as u
    left join failure_days as fd
        on fd.equipment_id = u.equipment_id and fd.failure_date = u.date_day
)

select * from final
