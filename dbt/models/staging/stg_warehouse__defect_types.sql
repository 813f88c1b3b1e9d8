with source as (
    select * from {{ source('warehouse', 'dim_defect_types') }}
),

renamed as (
    select
        defect_class,
        cast(severity as {{ dbt.type_int() }}) as severity,
        is_defective,
        description
    from source
),

final as (
    select * from renamed
)

select * from final
