"""`seiton load`: operational DB → DuckDB warehouse schema `raw`, incremental and idempotent.

Every table is a resource with an `updated_at` cursor and merge on `id` (the domain layer
bumps `updated_at` on every write, soft deletes included, so changed rows are re-read).
dlt keeps its state in the warehouse itself, so a lost pipelines folder or a crash resumes
instead of duplicating (docs/stack.md, "dlt 1.31").
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
# Secrets never leave the operational DB; nor does a CFDI's XML (finance opens it from the
# operational DB; the warehouse needs only its facts).
EXCLUDED_COLUMNS = {"users": {"password_hash"}, "cfdi_documents": {"xml"}}
# On PostgreSQL concurrent transactions can commit out of cursor order, so a row committed
# late with an older `updated_at` would be missed: re-read a short window (merge on `id`
# de-duplicates). SQLite writers are serialised by BEGIN IMMEDIATE, so no lag is needed
# there and a re-run with no change extracts nothing.
POSTGRES_CURSOR_LAG_SECONDS = 30
# Speed (docs/performance.md, docs/stack.md): on SQLite, connectorx streams Arrow batches
# (≈1.5× the plain connectorx → DuckDB path, vs ≈5× for the Python-bound pyarrow backend),
# each table read in two id ranges at once. A table still empty in the warehouse is
# backfilled with `replace` (no staging copy: the first `merge` of 5 M rows peaked at 2.4 GB);
# once it holds rows, every later run merges on `id` incrementally.
CHUNK_ROWS = 500_000
CONNECTORX_KWARGS = {"return_type": "arrow_stream", "batch_size": CHUNK_ROWS,
                     "partition_on": "id", "partition_num": 2}


def source_tables() -> list[str]:
    return sorted(t for t in Base.metadata.tables if t != "alembic_version")


def _drop_secret_columns(table: Table) -> Table:
    for column in EXCLUDED_COLUMNS.get(table.name, ()):
        if column in table.columns:
            table._columns.remove(table.columns[column])  # noqa: SLF001 - dlt's documented hook
    return table


def _sqlite_engine(url: str):
    """dlt's engine for reflection, holding no connection once it is done.

    connectorx reads SQLite with its own, bundled copy of the SQLite library. Two copies of
    SQLite in one process do not see each other's POSIX locks: when connectorx closes the
    file it drops every lock this process holds on it and, believing itself the last user,
    checkpoints and deletes the -wal and -shm under any pysqlite connection still open here
    — later writes through that connection go to a deleted WAL and other connections get
    "disk I/O error" (https://www.sqlite.org/howtocorrupt.html, 2.2.1). So no pysqlite
    connection may stay open in the process while connectorx reads: NullPool closes the
    reflection's connections at once, and `seiton refresh` runs the load in a child process
    (seiton/warehouse/refresh.py), never inside the app's process, which holds its own
    connections. Callers of `load` must not hold SQLite connections to the same file.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool)


def operational_source(url: str, tables: list[str] | None = None,
                       backfill: set[str] | frozenset[str] = frozenset()):
    """Every operational table as a dlt resource; tables named in `backfill` (empty in the
    warehouse) are loaded with `replace`, the others merged on `id`."""
    sqlite = url.startswith("sqlite")
    source = sql_database(
        credentials=_sqlite_engine(url) if sqlite else url,
        table_names=tables or source_tables(),
        # PostgreSQL keeps the pyarrow backend, the path its tests cover (tests/reliability)
        backend="connectorx" if sqlite else "pyarrow",
        backend_kwargs=dict(CONNECTORX_KWARGS) if sqlite else None,
        reflection_level="full_with_precision",
        table_adapter_callback=_drop_secret_columns,
        chunk_size=CHUNK_ROWS if sqlite else 100_000,
    )
    for name, resource in source.resources.items():
        resource.apply_hints(
            primary_key="id",
            write_disposition="replace" if name in backfill else "merge",
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


def empty_raw_tables(warehouse: Path) -> set[str]:
    """Raw tables that are missing or hold no rows (a first load: backfill with `replace`)."""
    if not warehouse.exists():
        return set(source_tables())
    with duckdb.connect(str(warehouse)) as con:
        present = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = ?", [DATASET]
        ).fetchall()}
        empty = {name for name in source_tables() if name not in present or con.execute(
            f'select count(*) = 0 from {DATASET}."{name}"').fetchone()[0]}  # noqa: S608
    return empty


def source_signature(url: str) -> dict[str, list] | None:
    """Row count and newest `updated_at` of every source table, or None where a signature
    cannot prove that nothing changed.

    On SQLite writers are serialised (BEGIN IMMEDIATE) and `updated_at` is set inside the
    write lock, so an unchanged (count, max updated_at) of every table means no commit
    since: the refresh can skip starting a load at all (docs/performance.md). On
    PostgreSQL a transaction may commit late with an older `updated_at` (the cursor lag
    above), which the signature would miss: there the load always runs and finds out.
    Soft deletes bump `updated_at`; rows are never hard-deleted.
    """
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy import func, select

    engine = _sqlite_engine(url)
    try:
        with engine.connect() as con:
            signature = {}
            for name in source_tables():
                table = Base.metadata.tables[name]
                count, newest = con.execute(
                    select(func.count(), func.max(table.c.updated_at))).one()
                signature[name] = [int(count), str(newest) if newest is not None else None]
            return signature
    finally:
        engine.dispose()


def _normalized_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    info = pipeline.last_trace.last_normalize_info if pipeline.last_trace else None
    counts = info.row_counts if info is not None else {}
    return {t: int(n) for t, n in counts.items() if not t.startswith("_dlt")}


def load(url: str, warehouse: Path, pipelines_dir: Path) -> LoadResult:
    """Run one incremental load; returns the rows extracted per table.

    A run killed between extract and load leaves pending packages in `pipelines_dir`. dlt's
    `run(data)` then loads only those and silently skips the extraction, so the build would
    publish stale marts; finish the pending packages first, then extract
    (docs/reliability.md, crash mid-refresh).
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    pipeline = make_pipeline(warehouse, pipelines_dir)
    rows: dict[str, int] = {}
    if pipeline.has_pending_data:  # what a killed run left behind: normalize, load
        if pipeline.list_extracted_load_packages():
            counts = pipeline.normalize().row_counts
            rows.update({t: int(c) for t, c in counts.items() if not t.startswith("_dlt")})
        pipeline.load()
    pipeline.run(operational_source(url, backfill=empty_raw_tables(warehouse)))
    for table, n in _normalized_rows(pipeline).items():
        rows[table] = rows.get(table, 0) + n
    ensure_raw_tables(url, warehouse)
    return LoadResult(rows_by_table=rows)
