"""Ingestion: dlt loads of the operational DB into the warehouse's `raw` schema."""
