"""Create the warehouse file and its raw schema (so `seiton init` leaves a usable warehouse)."""

from __future__ import annotations

import duckdb

from seiton.config import Settings


def ensure_warehouse(settings: Settings) -> None:
    from ingestion.pipeline import ensure_raw_tables

    settings.build_warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.build_warehouse)) as con:
        con.execute("create schema if not exists raw")
    ensure_raw_tables(settings.operational_url, settings.build_warehouse)
