{#- A 64-bit float on every adapter (dbt.type_float() is 32-bit on some). -#}
{% macro type_double() %}
  {{ return(adapter.dispatch('type_double')()) }}
{% endmacro %}

{% macro default__type_double() %}double{% endmacro %}

{% macro bigquery__type_double() %}float64{% endmacro %}

{#- Seconds as a double from first to second (timestamps), on every adapter. -#}
{% macro seconds_between(first, second) %}
  cast({{ dbt.datediff(first, second, 'second') }} as {{ type_double() }})
{% endmacro %}

{#- Ratio that is null when the denominator is zero or null. -#}
{% macro safe_ratio(numerator, denominator) %}
  case when ({{ denominator }}) > 0 then cast({{ numerator }} as {{ type_double() }}) / ({{ denominator }}) end
{% endmacro %}
