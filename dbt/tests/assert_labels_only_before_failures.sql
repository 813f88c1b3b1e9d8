-- A positive label needs a failure within the horizon after that day.
with labels as (
    select * from {{ ref('int_failure_labels') }}
),

final as (
    select *
    from labels
    where failure_within_horizon = 1
      and (next_failure_date is null or next_failure_date <= date_day)
)

select * from final
