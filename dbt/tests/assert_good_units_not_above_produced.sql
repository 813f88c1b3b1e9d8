-- A day cannot have more good units than units produced.
with quality as (
    select * from {{ ref('int_quality_aggregates') }}
),

final as (
    select *
    from quality
    where units_good > units_produced or units_good < 0
)

select * from final
