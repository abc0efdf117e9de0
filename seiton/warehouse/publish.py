"""Publish: copy the marts of a finished build into a fresh file and swap it in atomically.

Readers only ever open the published file read-only; the pipeline only ever writes the
build file. `os.replace` is atomic, so a reader sees either the previous complete build or
the new one, never a half-written warehouse, and never blocks the writer (docs/stack.md:
publish-by-swap). The cost follows the size of the marts, not of the raw data.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def publish(build: Path, published: Path, metadata: dict | None = None,
            manifest: Path | None = None) -> dict[str, int]:
    """Copy every relation and macro of the published schemas; returns rows per relation.

    Also writes the data dictionary (meta.relations, meta.columns: seiton/warehouse/
    dictionary.py) from dbt's manifest — by default $SEITON_HOME/dbt_target/manifest.json,
    the one the build just wrote (seiton/warehouse/dbt.py)."""
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    # a killed publish with the same pid (pids are reused) may have left the file and its
    # WAL: DuckDB would replay that stale WAL into the new file
    _unlink_with_wal(tmp)
    rows: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach '{build}' as build (read_only)")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema if not exists {_quote(schema)}")
            relations = con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'build' and table_schema = ? order by table_name",
                [schema],
            ).fetchall()
            for (name,) in relations:
                target = f"{_quote(schema)}.{_quote(name)}"
                con.execute(f"create table {target} as select * from build.{target}")  # noqa: S608 - quoted names
                rows[f"{schema}.{name}"] = con.execute(f"select count(*) from {target}").fetchone()[0]  # noqa: S608
            _copy_macros(con, schema)
        con.execute("create schema if not exists meta")
        _write_dictionary(con, manifest, rows)
        con.execute(
            "create table meta.publish_info as select ?::timestamp as published_at, "
            "?::varchar as details",
            # `relations` (rows per relation) lets a reader check it sees one complete build
            [datetime.now(UTC).replace(tzinfo=None),
             json.dumps({**(metadata or {}), "relations": rows}, default=str)],
        )
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, published)
    _fsync(published.parent)  # the rename itself survives a power loss
    return rows


def _unlink_with_wal(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_macros(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Recreate the schema's macros (e.g. marts.ar_aging) from their stored definitions."""
    macros = con.execute(
        "select function_name, function_type, parameters, macro_definition "
        "from duckdb_functions() where database_name = 'build' and schema_name = ? "
        "and function_type in ('macro', 'table_macro') order by function_name",
        [schema],
    ).fetchall()
    for name, kind, params, definition in macros:
        body = f"table {definition}" if kind == "table_macro" else definition
        con.execute(
            f"create or replace macro {_quote(schema)}.{_quote(name)}({', '.join(params)}) "
            f"as {body}"
        )


def _write_dictionary(con: duckdb.DuckDBPyConnection, manifest: Path | None,
                      rows: dict[str, int]) -> None:
    from seiton.warehouse.dictionary import write_dictionary

    if manifest is None:
        from seiton.config import load_settings

        manifest = load_settings().home / "dbt_target" / "manifest.json"
    write_dictionary(con, PUBLISHED_SCHEMAS, manifest, catalog_with_seeds="build", row_counts=rows)


def cleanup_stale(published: Path) -> None:
    """Remove temp files a killed publish left behind, with their WAL (never the published
    file itself). Called under the refresh lock, so no other publish is running."""
    for pattern in (f".{published.name}.*.tmp", f".{published.name}.*.tmp.wal"):
        for stale in published.parent.glob(pattern):
            stale.unlink(missing_ok=True)
