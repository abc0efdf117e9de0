"""`seiton refresh` = load + build + publish, one at a time, never touching a good publish on failure."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from operational_app.domain.messages import msg, render
from seiton.config import Settings

# What the refresh's build runs (bench/step.py times the same): models, seeds and data
# tests, not dbt's unit tests — they check the SQL on fixed fixtures, give the same answer
# on every refresh and were ~30 % of the build's time; `make test` runs them
# (tests/bench/test_incremental_equals_full.py) and `seiton build` still does. See
# docs/performance.md.
REFRESH_BUILD_ARGS: tuple[str, ...] = ("build", "--exclude-resource-type", "unit_test")


class RefreshError(RuntimeError):
    """A refresh that failed: an English template and its params (docs/conventions.md
    "Messages"); `str()` is the English text kept in the status file, `text(lang)` the user's."""

    def __init__(self, template: str, /, **params: object):
        self.template, self.params = template, params
        super().__init__(render(template, params))

    def text(self, lang: str | None) -> str:
        return render(self.template, self.params, lang)


@contextmanager
def refresh_lock(settings: Settings) -> Iterator[None]:
    """Two refreshes never run at once; the OS releases the lock if the holder dies."""
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.refresh_lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshError("another refresh is running (lock held)") from exc
        yield
    finally:
        os.close(fd)


def read_status(settings: Settings) -> dict:
    try:
        return json.loads(settings.refresh_status.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_status(settings: Settings, status: dict) -> None:
    tmp = settings.refresh_status.with_suffix(".tmp")
    tmp.write_text(json.dumps(status, indent=2, default=str))
    os.replace(tmp, settings.refresh_status)


def refresh(settings: Settings, progress: Callable[[str], None] = print,
            *, quiet_dbt: bool = False, full: bool = False, only: tuple[str, ...] = ()) -> dict:
    """Load, then build what the load changed (seiton/warehouse/buildplan.py), then
    publish. A load that brought nothing builds and publishes nothing.

    `only` names marts a caller needs now and nothing else (the demo's billing run reads
    the charges between its phases): those marts and what they are built from, without data
    tests, are built and published, and the next refresh builds every model (with its tests)
    as after an interrupted build — a partial warehouse is never taken for a finished one."""
    from ingestion.pipeline import LoadResult, source_signature
    from seiton.warehouse.buildplan import plan_build, project_fingerprint
    from seiton.warehouse.dbt import run_dbt
    from seiton.warehouse.publish import cleanup_stale, publish

    with refresh_lock(settings):
        status = read_status(settings)
        interrupted = bool(status.get("in_progress"))
        # a build warehouse made afresh (deleted, restored) holds no earlier build to extend
        built_before = _holds_a_build(settings.build_warehouse)
        # `seiton doctor` tells an interrupted refresh (killed) from a running one
        status.update(last_started_at=_now(), in_progress=True)
        _write_status(settings, status)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            # progress lines are messages (`Msg`): str() is the English line, the CLI shows its own
            progress(msg("[1/3] load: operational DB → warehouse raw (dlt)"))
            t = time.perf_counter()
            signature = source_signature(settings.operational_url)
            if signature is not None and signature == status.get("source_signature") \
                    and not interrupted and built_before:
                loaded = LoadResult(rows_by_table={})  # no commit since the last load
                progress(msg("      no change in the operational DB since the last load"))
            else:
                loaded = load_in_child(settings)
                progress(msg("      {rows} changed rows", rows=loaded.total_rows))
            timings["load"] = time.perf_counter() - t
            progress(msg("      in {seconds:.1f}s", seconds=timings["load"]))
            changed = {table for table, n in loaded.rows_by_table.items() if n}
            pending = set(status.get("pending_tables") or ()) | changed
            # recorded before the build: a failed or killed build is retried next time
            # taken before the load: what committed during it shows as a change next time
            status.update(pending_tables=sorted(pending), source_signature=signature)
            _write_status(settings, status)

            fingerprint = project_fingerprint()
            plan = plan_build(pending=pending, fingerprint=fingerprint,
                              last_fingerprint=status.get("build_fingerprint"),
                              interrupted=interrupted or bool(status.get("full_build_pending")),
                              published_exists=published_path_exists(settings) and built_before,
                              full=full, only=only)
            status.update(last_plan={"mode": plan.mode, "reason": plan.reason,
                                     "tables": list(plan.tables)})
            if plan.mode in ("full", "partial"):  # until one succeeds, every refresh builds all
                status.update(full_build_pending=True)
                _write_status(settings, status)
            if plan.mode == "skip":
                progress(msg("[2/3] build: nothing to build ({reason})",
                             reason=plan.reason_message()))
                progress(msg("[3/3] publish: the published warehouse is current"))
                timings["build"] = timings["publish"] = 0.0
            else:
                progress(_build_line(plan))
                t = time.perf_counter()
                code = run_dbt(settings, [*REFRESH_BUILD_ARGS, *plan.build_args()],
                               quiet=quiet_dbt)
                timings["build"] = time.perf_counter() - t
                if code != 0:
                    raise RefreshError("dbt build failed (exit {code}); the published "
                                       "warehouse is unchanged{failures}", code=code,
                                       failures=_failures(settings))
                progress(msg("      built in {seconds:.1f}s", seconds=timings["build"]))

                progress(msg("[3/3] publish: swap the new marts in for readers"))
                t = time.perf_counter()
                cleanup_stale(settings.published_warehouse)
                rows = publish(settings.build_warehouse, settings.published_warehouse,
                               {"loaded_rows": loaded.rows_by_table, "build": plan.mode})
                timings["publish"] = time.perf_counter() - t
                progress(msg("      {length} relations published in {seconds:.1f}s",
                             length=len(rows), seconds=timings["publish"]))
                status.update(pending_tables=[])  # a partial build: the full one to come covers them
                if plan.mode != "partial":
                    status.update(build_fingerprint=fingerprint, full_build_pending=False,
                                  last_published_at=_now())
        except Exception as exc:
            status.update(last_failure_at=_now(), last_error=str(exc)[:500], in_progress=False)
            _write_status(settings, status)
            if isinstance(exc, RefreshError):
                raise
            raise RefreshError("{kind}: {error}", kind=type(exc).__name__, error=str(exc)) from exc
        timings["total"] = time.perf_counter() - started
        status.update(last_success_at=_now(), last_timings=timings, last_error=None,
                      in_progress=False)
        _write_status(settings, status)
        return status


# The load runs in a child process: connectorx reads SQLite with its own copy of the SQLite
# library, which must never share a process with the pysqlite connections of the caller —
# the app's "refresh now" runs inside the app's process (ingestion/pipeline.py,
# _sqlite_engine). The child dies with its parent, like dbt (seiton/warehouse/dbt.py).
_LOAD_CHILD = (
    "import json, os, sys\n"
    "from pathlib import Path\n"
    "from ingestion.pipeline import load\n"
    "r = load(os.environ['SEITON_LOAD_URL'], Path(sys.argv[1]), Path(sys.argv[2]))\n"
    "Path(sys.argv[3]).write_text(json.dumps(r.rows_by_table))\n"
)


def _build_line(plan):
    if plan.mode == "partial":
        return msg("[2/3] build: {marts} and what they are built from", marts=", ".join(plan.marts))
    if plan.mode == "full":
        return msg("[2/3] build: dbt build of every model ({reason})", reason=plan.reason_message())
    return msg("[2/3] build: dbt build of what {tables} reach ({reason})",
               tables=", ".join(plan.tables), reason=plan.reason_message())


def load_in_child(settings: Settings):
    import subprocess
    import sys

    from ingestion.pipeline import LoadResult
    from seiton.config import PROJECT_ROOT
    from seiton.warehouse.dbt import _die_with_parent

    settings.home.mkdir(parents=True, exist_ok=True)
    result = settings.home / ".load-result.json"  # one at a time: under the refresh lock
    result.unlink(missing_ok=True)
    env = dict(os.environ, SEITON_LOAD_URL=settings.operational_url)  # not on a command line
    cmd = [sys.executable, "-c", _LOAD_CHILD, str(settings.build_warehouse),
           str(settings.pipelines_dir), str(result)]
    done = subprocess.run(_die_with_parent(cmd), env=env, cwd=PROJECT_ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False)
    try:
        if done.returncode != 0 or not result.exists():
            lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
            raise RefreshError("load failed (exit {code}): {last}", code=done.returncode,
                               last=lines[-1] if lines else "no message")
        return LoadResult(rows_by_table=json.loads(result.read_text()))
    finally:
        result.unlink(missing_ok=True)


def _holds_a_build(warehouse: Path) -> bool:
    """Whether the build warehouse has marts from an earlier build (read-only peek)."""
    if not warehouse.exists():
        return False
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("select count(*) from duckdb_tables() "
                               "where schema_name = 'marts'").fetchone()[0] > 0
    except duckdb.Error:  # unreadable: build it again from scratch
        return False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def published_path_exists(settings: Settings) -> bool:
    return Path(settings.published_warehouse).exists()


def _failures(settings: Settings, limit: int = 5) -> str:
    """What failed in the last dbt run, for the refusal message: a failed data test names the
    rule that broke (docs/data-issues.md: a broken identity stops the build, a gap does not)."""
    path = settings.home / "dbt_target" / "run_results.json"
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return ""
    failed = [r for r in results if r.get("status") in ("fail", "error")]
    if not failed:
        return ""
    lines = []
    for r in failed[:limit]:
        name = r["unique_id"].split(".")[2] if r["unique_id"].count(".") >= 2 else r["unique_id"]
        lines.append(f"  {r['status']}: {name}: {(r.get('message') or '').splitlines()[0][:200]}")
    more = f"\n  … and {len(failed) - limit} more" if len(failed) > limit else ""
    return ":\n" + "\n".join(lines) + more

