"""Publish: copy the marts of a finished build into a fresh file and swap it in atomically.

Readers only ever open the published file read-only; the pipeline only ever writes the
build file. `os.replace` is atomic, so a reader sees either the previous complete build or
the new one, never a half-written warehouse, and never blocks the writer (stack-notes.md:
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


def publish(build: Path, published: Path, metadata: dict | None = None) -> dict[str, int]:
    """Copy every relation and macro of the published schemas; returns rows per relation."""
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
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
                con.execute(f"create table {target} as select * from build.{target}")
                rows[f"{schema}.{name}"] = con.execute(f"select count(*) from {target}").fetchone()[0]
            _copy_macros(con, schema)
        con.execute("create schema if not exists meta")
        con.execute(
            "create table meta.publish_info as select ?::timestamp as published_at, "
            "?::varchar as details",
            [datetime.now(UTC).replace(tzinfo=None), json.dumps(metadata or {}, default=str)],
        )
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, published)
    return rows


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


def cleanup_stale(published: Path) -> None:
    """Remove temp files a killed publish left behind (never the published file itself)."""
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink(missing_ok=True)
