"""Read-only access to the published warehouse, for dashboards, the SQL console and `seiton sql`.

Connections are short-lived: a connection held open would pin the previous file after a
swap (stack-notes.md). Analysts' queries run sandboxed: one SELECT statement, no file or
network access, no extension loading, locked configuration, memory and time limits.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb

from seiton.config import load_settings


class WarehouseUnavailable(RuntimeError):
    """No published warehouse yet (run `seiton refresh`)."""


class QueryRefused(ValueError):
    """The query is not a single read-only SELECT, or touches what the sandbox forbids."""


SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "memory_limit": "1GB",
    "threads": 2,
}
TIME_LIMIT_MS = 30_000


@contextmanager
def connect(path: Path | None = None, *, sandbox: bool = True, time_limit_ms: int = TIME_LIMIT_MS):
    path = Path(path or load_settings().published_warehouse)
    if not path.exists():
        raise WarehouseUnavailable(
            f"no published warehouse at {path}: run `seiton refresh` first"
        )
    config = dict(SANDBOX_CONFIG) if sandbox else {}
    con = duckdb.connect(str(path), read_only=True, config=config)
    try:
        if sandbox:
            con.execute(f"set max_execution_time = {int(time_limit_ms)}")
            con.execute("set lock_configuration = true")
        yield con
    finally:
        con.close()


ALLOWED_STATEMENTS = {"SELECT"}


def check_read_only(sql: str, con: duckdb.DuckDBPyConnection) -> str:
    """Refuse anything but exactly one SELECT; returns the statement's SQL."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {exc}") from exc
    if len(statements) != 1:
        raise QueryRefused("exactly one statement is allowed")
    kind = statements[0].type.name
    if kind not in ALLOWED_STATEMENTS:
        raise QueryRefused(f"only SELECT queries are allowed (got {kind})")
    return statements[0].query


def run_query(sql: str, *, limit: int | None = None, path: Path | None = None,
              time_limit_ms: int = TIME_LIMIT_MS):
    """Run one sandboxed read-only query; returns (column names, rows)."""
    with connect(path, sandbox=True, time_limit_ms=time_limit_ms) as con:
        query = check_read_only(sql, con)
        result = con.execute(query)
        columns = [d[0] for d in result.description]
        rows = result.fetchmany(limit) if limit else result.fetchall()
        return columns, rows


def query_df(sql: str, params: list | None = None, path: Path | None = None):
    """Trusted queries written in this codebase (dashboards): a DataFrame."""
    with connect(path, sandbox=True) as con:
        return con.execute(sql, params or []).df()
