"""Content checksums of published relations: equal checksums ⇔ same rows (order-free).

Used by the idempotency, crash and incremental-vs-full tests and by `seiton doctor`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def relation_checksums(path: Path, schema: str = "marts") -> dict[str, tuple[int, str]]:
    """{relation: (row count, md5 of the sorted row hashes)} for every table of a schema."""
    out: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name", [schema]).fetchall()]
        for name in names:
            rows = f'(select md5(t::varchar) as h from "{schema}"."{name}" as t)'  # noqa: S608
            count, digest = con.execute(
                "select count(*), coalesce(md5(string_agg(h, '' order by h)), '') from " + rows  # noqa: S608
            ).fetchone()
            out[name] = (count, digest)
    return out
