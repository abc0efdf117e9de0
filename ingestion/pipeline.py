"""`seiton load`: operational DB → DuckDB warehouse schema `raw`, incremental and idempotent.

Every table is a resource with an `updated_at` cursor and merge on `id` (the domain layer
bumps `updated_at` on every write, soft deletes included, so changed rows are re-read).
dlt keeps its state in the warehouse itself, so a lost pipelines folder or a crash resumes
instead of duplicating (stack-notes.md, dlt section).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import dlt
import duckdb
from dlt.sources.sql_database import sql_database
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, Table

from operational_app.store.models import Base
from operational_app.store.types import ExactDecimal

PIPELINE_NAME = "seiton_operational"
DATASET = "raw"
# Secrets never leave the operational DB.
EXCLUDED_COLUMNS = {"users": {"password_hash"}}
# On PostgreSQL concurrent transactions can commit out of cursor order, so a row committed
# late with an older `updated_at` would be missed: re-read a short window (merge on `id`
# de-duplicates). SQLite writers are serialised by BEGIN IMMEDIATE, so no lag is needed
# there and a re-run with no change extracts nothing.
POSTGRES_CURSOR_LAG_SECONDS = 30


def source_tables() -> list[str]:
    return sorted(t for t in Base.metadata.tables if t != "alembic_version")


def _drop_secret_columns(table: Table) -> Table:
    for column in EXCLUDED_COLUMNS.get(table.name, ()):
        if column in table.columns:
            table._columns.remove(table.columns[column])  # noqa: SLF001 - dlt's documented hook
    return table


def operational_source(url: str, tables: list[str] | None = None):
    source = sql_database(
        credentials=url,
        table_names=tables or source_tables(),
        backend="pyarrow",
        reflection_level="full_with_precision",
        table_adapter_callback=_drop_secret_columns,
        chunk_size=100_000,
    )
    for resource in source.resources.values():
        resource.apply_hints(
            primary_key="id",
            write_disposition="merge",
            incremental=dlt.sources.incremental(
                "updated_at",
                lag=None if url.startswith("sqlite") else POSTGRES_CURSOR_LAG_SECONDS,
                on_cursor_value_missing="raise",
            ),
        )
    return source


def make_pipeline(warehouse: Path, pipelines_dir: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=dlt.destinations.duckdb(credentials=str(warehouse)),
        dataset_name=DATASET,
        pipelines_dir=str(pipelines_dir),
        progress="log" if logging.getLogger().isEnabledFor(logging.INFO) else None,
    )


@dataclass
class LoadResult:
    rows_by_table: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_table.values())


def _duckdb_type(column, sqlite: bool) -> str:
    t = column.type
    if isinstance(t, ExactDecimal):
        return "VARCHAR" if sqlite else f"DECIMAL({t.precision},{t.scale})"
    if isinstance(t, Integer | BigInteger):
        return "BIGINT"
    if isinstance(t, Boolean):
        return "BOOLEAN"
    if isinstance(t, DateTime):
        return "TIMESTAMP"
    if isinstance(t, Date):
        return "DATE"
    return "VARCHAR"


def ensure_raw_tables(url: str, warehouse: Path) -> list[str]:
    """Create, empty, every source table dlt has not created yet.

    dlt creates a table only when rows arrive; the dbt sources need every table to exist
    (an operational DB may have no payment reversals yet). dlt later finds the table in
    the destination and loads into it.
    """
    sqlite = url.startswith("sqlite")
    created = []
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"create schema if not exists {DATASET}")
        existing = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [DATASET],
            ).fetchall()
        }
        for name in source_tables():
            if name in existing:
                continue
            table = Base.metadata.tables[name]
            cols = [
                f'"{c.name}" {_duckdb_type(c, sqlite)}'
                for c in table.columns
                if c.name not in EXCLUDED_COLUMNS.get(name, ())
            ]
            con.execute(f'create table {DATASET}."{name}" ({", ".join(cols)})')
            created.append(name)
    return created


def load(url: str, warehouse: Path, pipelines_dir: Path) -> LoadResult:
    """Run one incremental load; returns the rows extracted per table."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    pipeline = make_pipeline(warehouse, pipelines_dir)
    pipeline.run(operational_source(url))
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace else {}
    rows = {t: int(n) for t, n in counts.items() if not t.startswith("_dlt")}
    ensure_raw_tables(url, warehouse)
    return LoadResult(rows_by_table=rows)
