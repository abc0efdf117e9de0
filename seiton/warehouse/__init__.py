"""The DuckDB warehouse: build (dbt), publish by swap, and read-only access for readers."""
