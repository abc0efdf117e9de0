"""Read-only access to the published warehouse, for dashboards, the SQL console and `seiton sql`.

Connections are short-lived: a connection held open would pin the previous file after a
swap (docs/stack.md). Analysts' queries run sandboxed: one SELECT statement, no file or
network access, no extension loading, locked configuration, memory and time limits.

`run_query` (the console and `seiton sql`) goes one step further and runs the query in a
child process with an address-space cap, no file writes and a hard wall-clock deadline:
DuckDB's own limits do not cover everything (a single `lpad('x', 1500000000, 'y')` ignores
`max_execution_time` and allocates outside `memory_limit`), and a crash in the engine must
not take the app down. Dashboards' own queries (`query_df`) are trusted and run in-process.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from operational_app.domain import messages
from seiton.config import PROJECT_ROOT, load_settings


class WarehouseUnavailable(RuntimeError):
    """No published warehouse yet (run `seiton refresh`)."""


class QueryRefused(ValueError):
    """The query is not a single read-only SELECT, or touches what the sandbox forbids.

    Carries its English `template` and `params` (docs/conventions.md "Messages"): `str()` is
    the English text, `text(lang)` the console's message in the user's language."""

    def __init__(self, template: str, /, **params: Any):
        self.template, self.params = template, params
        super().__init__(messages.render(template, params))

    def text(self, lang: str) -> str:
        return messages.render(self.template, self.params, lang)

    def as_reply(self) -> dict[str, Any]:
        """For the worker's JSON reply: the params as JSON values."""
        plain = (str, int, float, bool, type(None))
        return {"refused": str(self), "template": self.template,
                "params": {k: v if isinstance(v, plain) else str(v)
                           for k, v in self.params.items()}}


class QueryFailed(RuntimeError):
    """The query was accepted but failed while running (DuckDB's message, one line first)."""


class QueryTimeout(QueryFailed):
    """The query ran past its time limit and was stopped."""


SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "memory_limit": "1GB",
    "threads": 2,
    # no spilling to disk: a sandboxed query never writes (nor reads) a .tmp directory
    "temp_directory": "",
}
TIME_LIMIT_MS = 30_000
# address-space cap of the child process running an analyst's query (DuckDB's memory_limit
# above, the Python interpreter, the fetched rows)
PROCESS_MEMORY_MB = 4096
# the child's start-up (interpreter, imports) on a loaded machine, on top of the time limit
STARTUP_GRACE_S = 15.0
MAX_QUERY_CHARS = 100_000

# Functions a console query may not call. The engine sandbox already stops file access and
# locked configuration stops settings; refusing these by name gives a clear message and a
# second line of defence (dynamic SQL such as query() would also hide text from this check).
DENIED_FUNCTIONS = frozenset({
    "glob", "sniff_csv", "query", "query_table", "json_execute_serialized_sql",
    "getenv", "duckdb_secrets", "which_secret", "duckdb_extensions",
    "duckdb_extension_repositories", "checkpoint", "force_checkpoint",
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log",
    "enable_profiling", "disable_profiling", "add_grammar_extension",
    "remove_grammar_extension", "pandas_scan", "seq_scan", "load_extension",
    "install_extension", "attach", "detach", "copy_database", "import_database",
})
DENIED_PREFIXES = ("read_", "parquet_", "sqlite_", "postgres_", "mysql_", "iceberg_", "delta_",
                   "arrow_", "python_", "pragma_", "json_execute", "http")
ALLOWED_PRAGMA_FUNCTIONS = frozenset({"pragma_table_info", "pragma_version"})


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
    """Refuse anything but exactly one SELECT calling no denied function; returns its SQL."""
    if len(sql) > MAX_QUERY_CHARS:
        raise QueryRefused("the query is longer than {limit:,} characters", limit=MAX_QUERY_CHARS)
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused("cannot parse the query: {error}", error=_first_line(exc)) from exc
    if len(statements) != 1:
        raise QueryRefused("exactly one statement is allowed")
    kind = statements[0].type.name
    if kind == "MULTI":  # DuckDB splits a PIVOT without an IN list into several statements
        raise QueryRefused("exactly one statement is allowed (a PIVOT needs an explicit "
                           "list: `pivot t on col in ('a', 'b') using sum(x)`)")
    if kind not in ALLOWED_STATEMENTS:
        raise QueryRefused("only SELECT queries are allowed (got {kind})", kind=kind)
    query = statements[0].query
    denied = sorted(n for n in called_functions(query, con) if is_denied_function(n))
    if denied:
        raise QueryRefused("function not allowed in the console: {denied}",
                           denied=', '.join(denied))
    return query


def is_denied_function(name: str) -> bool:
    name = name.lower()
    if name in ALLOWED_PRAGMA_FUNCTIONS:
        return False
    return name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES)


_CALL = re.compile(r'"?\b([A-Za-z_][A-Za-z0-9_]*)"?\s*\(')


def called_functions(query: str, con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every function name the query calls: from DuckDB's own parse tree when it can
    serialise the statement, else (PIVOT, SUMMARIZE, …) every `name(` in the text."""
    try:
        tree = json.loads(con.execute("select json_serialize_sql(?::varchar)", [query]).fetchone()[0])
    except (duckdb.Error, json.JSONDecodeError, TypeError):
        tree = {"error": True}
    if tree.get("error"):
        return {m.group(1).lower() for m in _CALL.finditer(query)}
    names: set[str] = set()
    stack: list = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("function_name"), str):
                names.add(node["function_name"].lower())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def run_query(sql: str, *, limit: int | None = None, path: Path | None = None,
              time_limit_ms: int = TIME_LIMIT_MS):
    """Run one sandboxed read-only query; returns (column names, rows).

    Raises QueryRefused (not a single allowed SELECT), WarehouseUnavailable, QueryTimeout
    (past `time_limit_ms`) or QueryFailed (any other error, DuckDB's message first)."""
    path = Path(path or load_settings().published_warehouse)
    if not path.exists():
        raise WarehouseUnavailable(f"no published warehouse at {path}: run `seiton refresh` first")
    with duckdb.connect(":memory:", config=dict(SANDBOX_CONFIG)) as parser:
        query = check_read_only(sql, parser)  # refuse early, without starting a process
    request = {"sql": query, "path": str(path), "limit": limit, "time_limit_ms": int(time_limit_ms),
               "memory_mb": PROCESS_MEMORY_MB}
    deadline = time_limit_ms / 1000 + STARTUP_GRACE_S
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from seiton.warehouse.reader import _worker; _worker()"],
            input=json.dumps(request).encode(), capture_output=True, timeout=deadline,
            env=_child_env(), cwd=path.parent, check=False,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        raise QueryTimeout(_timeout_message(time_limit_ms)) from exc
    reply = _decode_reply(done.stdout)
    if reply is None:
        reason = "out of memory or crashed" if done.returncode else "no answer"
        raise QueryFailed(f"the query process ended without a result ({reason}, exit {done.returncode})")
    if "refused" in reply:
        raise QueryRefused(reply.get("template", reply["refused"]), **reply.get("params", {}))
    if "unavailable" in reply:
        raise WarehouseUnavailable(reply["unavailable"])
    if "timeout" in reply:
        raise QueryTimeout(_timeout_message(time_limit_ms))
    if "error" in reply:
        raise QueryFailed(reply["error"])
    return reply["columns"], reply["rows"]


def query_df(sql: str, params: list | None = None, path: Path | None = None):
    """Trusted queries written in this codebase (dashboards): a DataFrame.

    pandas receives DECIMAL as float64, so the result's SQL types travel with the frame in
    `frame.attrs["sql_types"]` (column → DuckDB type, e.g. 'DECIMAL(18,2)'): that is how the
    dashboards know a money column (dashboards/columns.py)."""
    with connect(path, sandbox=True) as con:
        result = con.execute(sql, params or [])
        types = {d[0]: str(d[1]) for d in result.description or []}
        frame = result.df()
    frame.attrs["sql_types"] = types
    return frame


def _timeout_message(time_limit_ms: int) -> str:
    return f"the query ran longer than the {time_limit_ms / 1000:g} s limit and was stopped"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _child_env() -> dict[str, str]:
    """Only what the interpreter needs: no credentials (SEITON_OPERATIONAL_URL, …) reach it."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# --- the child process ---------------------------------------------------------------------

def _worker() -> None:
    """Child side of run_query: limits first, then one sandboxed query; the reply is written
    to the original stdout, which nothing else may write to (DuckDB's prints go to stderr)."""
    import resource
    import signal

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request = json.loads(sys.stdin.buffer.read())
    cap = int(request["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # and no file can grow: nothing written
    try:
        with connect(Path(request["path"]), sandbox=True,
                     time_limit_ms=request["time_limit_ms"]) as con:
            query = check_read_only(request["sql"], con)
            result = con.execute(query)
            columns = [d[0] for d in result.description]
            limit = request["limit"]
            rows = result.fetchmany(limit) if limit else result.fetchall()
        reply: dict = {"columns": columns, "rows": rows}
    except QueryRefused as exc:
        reply = exc.as_reply()
    except WarehouseUnavailable as exc:
        reply = {"unavailable": str(exc)}
    except duckdb.InterruptException:
        reply = {"timeout": True}
    except (duckdb.Error, MemoryError) as exc:
        reply = {"error": str(exc).strip() or type(exc).__name__}
    try:
        payload = pickle.dumps(reply, protocol=5)
    except Exception as exc:  # a value Python cannot carry back: report, don't crash
        payload = pickle.dumps({"error": f"cannot return the result: {exc}"}, protocol=5)
    out.write(payload)
    out.flush()


class _ReplyUnpickler(pickle.Unpickler):
    """Only the value types DuckDB's fetchall returns; nothing callable."""

    SAFE = {
        ("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime"),
        ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"),
        ("uuid", "UUID"), ("zoneinfo", "ZoneInfo"), ("builtins", "set"),
        ("builtins", "frozenset"), ("builtins", "bytearray"), ("builtins", "complex"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) == ("builtins", "getattr"):
            return _zoneinfo_getattr
        if (module, name) in self.SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected type in a query result: {module}.{name}")


def _zoneinfo_getattr(obj, name: str):
    from zoneinfo import ZoneInfo

    if obj is ZoneInfo and name == "_unpickle":  # how a ZoneInfo pickles itself
        return ZoneInfo._unpickle
    raise pickle.UnpicklingError("unexpected attribute in a query result")


def _decode_reply(data: bytes) -> dict | None:
    if not data:
        return None
    import io

    try:
        reply = _ReplyUnpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        return {"error": f"unreadable answer from the query process: {exc}"}
    return reply if isinstance(reply, dict) else None
