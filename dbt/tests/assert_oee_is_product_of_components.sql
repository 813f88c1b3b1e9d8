-- OEE must equal availability x performance x quality (within rounding) wherever all are known.
with oee as (
    select * from {{ ref('mart_oee') }}
),

final as (
    select *
    from oee
    where oee is not null
      and abs(oee - availability * performance * quality) > 1e-9
)

select * from final
