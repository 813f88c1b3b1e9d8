"""The warehouse: fact and dimension tables loaded into DuckDB (default) or BigQuery, dbt, data quality."""
