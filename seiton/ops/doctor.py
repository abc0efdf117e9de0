"""`seiton doctor`: check the stores and say, one line each, what is wrong and what to do.

Checks, in order:
- operational DB: reachable, and migrated to the latest schema (alembic head);
- build warehouse: present and readable (skipped while a refresh holds it);
- published warehouse: present, readable, one complete publish (every relation of its
  manifest present with its row count), the marts of docs/analysts.md present;
- last refresh: succeeded, not older than --max-age-hours, not interrupted;
- data issues: gaps in the reference data the warehouse published around (missing exchange
  rates, contracts without a price plan: `marts.fct_data_issues`, docs/data-issues.md) — a
  warning naming the first records, never a failure: the rest of the warehouse is current;
- source freshness: the changes in the operational DB that the warehouse has not loaded
  yet (per table, max(updated_at) in the source against `raw`), failing when the oldest
  unloaded change is older than --max-age-hours;
- disk space under SEITON_HOME.

Exit status 0 when no check failed (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from operational_app.domain.messages import Msg, msg, render, translate
from seiton.config import Settings

REQUIRED_MARTS = ("dim_stage", "fct_device_usage", "fct_billing_charges",
                  "fct_invoice_reconciliation", "fct_unapplied_payments", "kpi_monthly")
DEFAULT_MAX_AGE_HOURS = 24.0
MIN_FREE_BYTES = 1 << 30

OK, WARN, FAIL = "ok", "warn", "FAIL"
# How a status shows in each language (the English is the status itself).
STATUS_SHOWN = {"es": {OK: "ok", WARN: "aviso", FAIL: "FALLA"}}


@dataclass
class Check:
    """One check's result: `name` is its English title (a catalogue key), `detail` a message
    (docs/conventions.md "Messages"); `lang` None is the English as it always read."""

    name: str
    status: str
    detail: Msg

    def title(self, lang: str | None = None) -> str:
        return translate(self.name, lang)

    def line(self, lang: str | None = None) -> str:
        shown = STATUS_SHOWN.get(lang or "", {}).get(self.status, self.status)
        width = max([4, *(len(v) for v in STATUS_SHOWN.get(lang or "", {}).values())])
        return f"{shown:<{width}}  {self.title(lang):<22} {self.detail.render(lang)}"


class Joined(Msg):
    """Messages shown one after the other, in the same language."""

    def __init__(self, parts: list[Msg], sep: str = "; "):
        super().__init__(None)
        self.parts, self.sep = parts, sep

    def render(self, lang: str | None = None) -> str:
        return self.sep.join(p.render(lang) for p in self.parts)


def run_checks(settings: Settings, *, max_age_hours: float = DEFAULT_MAX_AGE_HOURS,
               now: datetime | None = None) -> list[Check]:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    max_age = timedelta(hours=max_age_hours)
    checks: list[Check] = []
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("operational DB", lambda: _check_operational(settings)),
        ("build warehouse", lambda: _check_build(settings)),
        ("published warehouse", lambda: _check_published(settings)),
        ("last refresh", lambda: _check_last_refresh(settings, now, max_age)),
        ("data issues", lambda: _check_data_issues(settings)),
        ("source freshness", lambda: _check_freshness(settings, now, max_age)),
        ("disk space", lambda: _check_disk(settings)),
    ]
    for name, step in steps:
        try:
            checks.append(step())
        except Exception as exc:  # a check that crashes is a failed check, not a traceback
            checks.append(Check(name, FAIL, Msg(None, text=_one_line(exc))))
    return checks


def report(checks: list[Check], lang: str | None = None) -> str:
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    lines = [c.line(lang) for c in checks]
    verdict = render("healthy", {}, lang) if not failed else \
        render("{failed} check(s) failed", {"failed": failed}, lang)
    if warned:
        verdict += render(", {warned} warning(s)", {"warned": warned}, lang)
    lines.append(f"seiton doctor: {verdict}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- checks


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _check_operational(settings: Settings) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from operational_app.store.migrate import alembic_config

    name = "operational DB"
    url = settings.operational_url
    if settings.is_sqlite:
        from seiton.ops.backup import sqlite_path

        if not sqlite_path(url).exists():
            return Check(name, FAIL, msg("no database at {path}: run `seiton init`",
                                         path=sqlite_path(url)))
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = create_engine(url, connect_args={"timeout": 10} if settings.is_sqlite
                           else {"connect_timeout": 10})
    try:
        with engine.connect() as con:
            current = set(MigrationContext.configure(con).get_current_heads())
    except Exception as exc:
        return Check(name, FAIL, msg("{url} unreachable: {error}", url=_redact(url),
                                     error=_one_line(exc)))
    finally:
        engine.dispose()
    if current != heads:
        return Check(name, FAIL, msg("schema at {current}, latest is {heads}: run `seiton init` "
                                     "to migrate", current=sorted(current) or "nothing",
                                     heads=sorted(heads)))
    return Check(name, OK, msg("{url} reachable, schema at head {heads}", url=_redact(url),
                               heads=", ".join(sorted(heads))))


def _refresh_running(settings: Settings) -> bool:
    import fcntl
    import os

    if not settings.refresh_lock.exists():
        return False
    fd = os.open(settings.refresh_lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the lock if we took it
    return False


def _check_build(settings: Settings) -> Check:
    import duckdb

    name = "build warehouse"
    path = settings.build_warehouse
    if not path.exists():
        return Check(name, FAIL, msg("missing: {path}: run `seiton init`", path=path))
    if _refresh_running(settings):
        return Check(name, OK, msg("{path} (a refresh is running: not opened)", path=path))
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            raw = con.execute("select count(*) from information_schema.tables "
                              "where table_schema = 'raw'").fetchone()[0]
    except duckdb.Error as exc:
        return Check(name, FAIL, msg("{path} unreadable: {error}", path=path,
                                     error=_one_line(exc)))
    return Check(name, OK, msg("{path} readable, {raw} raw tables", path=path, raw=raw))


def published_manifest_problems(con) -> tuple[datetime | None, list[Msg] | None]:
    """(published_at, problems) of an open published warehouse: empty problems when it is one
    complete publish (every relation its manifest lists present with its row count), None
    when it has no manifest (published before manifests existed)."""
    rows = con.execute("select published_at, details from meta.publish_info").fetchall()
    if len(rows) != 1:
        return None, [msg("meta.publish_info has {length} rows", length=len(rows))]
    published_at, details = rows[0]
    relations = json.loads(details or "{}").get("relations")
    if relations is None:
        return published_at, None
    present = {f"{s}.{n}" for s, n in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema = 'marts'").fetchall()}
    problems = [msg("{relation} missing", relation=r) for r in sorted(set(relations) - present)]
    problems += [msg("{relation} not in the manifest", relation=r)
                 for r in sorted(present - set(relations))]
    for relation, expected in sorted(relations.items()):
        if relation in present:
            schema, table = relation.split(".", 1)
            got = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]  # noqa: S608
            if got != expected:
                problems.append(msg("{relation} has {got} rows, the manifest says {expected}",
                                    relation=relation, got=got, expected=expected))
    return published_at, problems


def _check_data_issues(settings: Settings) -> Check:
    from seiton.warehouse.reader import connect

    name = "data issues"
    path = settings.published_warehouse
    if not path.exists():
        return Check(name, WARN, msg("no published warehouse yet"))
    with connect(path) as con:
        present = con.execute("select count(*) from information_schema.tables where "
                              "table_schema = 'marts' and table_name = 'fct_data_issues'"
                              ).fetchone()[0]
        if not present:
            return Check(name, WARN, msg("marts.fct_data_issues not published yet: run "
                                         "`seiton refresh`"))
        rows = con.execute(
            "select issue_type, record_type, record_key, currency, first_on "
            "from marts.fct_data_issues order by issue_type, first_on, record_key").fetchall()
    if not rows:
        return Check(name, OK, msg("no gaps in the reference data"))
    counts: dict[str, int] = {}
    for issue, *_ in rows:
        counts[issue] = counts.get(issue, 0) + 1
    first = "; ".join(f"{issue} {kind} {key}" + (f" ({cur} on {on})" if cur else f" ({on})")
                      for issue, kind, key, cur, on in rows[:3])
    summary = ", ".join(f"{n} {issue}" for issue, n in sorted(counts.items()))
    return Check(name, WARN, msg("{summary} (marts.fct_data_issues): {first}{more}",
                                 summary=summary, first=first,
                                 more=" …" if len(rows) > 3 else ""))


def _check_published(settings: Settings) -> Check:
    import duckdb

    from seiton.warehouse.reader import connect

    name = "published warehouse"
    path = settings.published_warehouse
    if not path.exists():
        return Check(name, FAIL, msg("missing: {path}: run `seiton refresh`", path=path))
    try:
        with connect(path) as con:
            published_at, problems = published_manifest_problems(con)
            tables = {r[0] for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts'").fetchall()}
    except duckdb.Error as exc:
        return Check(name, FAIL, msg("{path} unreadable: {error}", path=path,
                                     error=_one_line(exc)))
    unchecked = problems is None
    problems = problems or []
    missing = [m for m in REQUIRED_MARTS if m not in tables]
    if missing:
        problems.append(msg("required marts missing: {missing}", missing=", ".join(missing)))
    if problems:
        return Check(name, FAIL, msg("{path}: {problems}", path=path,
                                     problems=Joined(problems[:5])))
    when = msg("published {at:%Y-%m-%d %H:%M} UTC, {mib:.1f} MiB", at=published_at,
               mib=path.stat().st_size / 2**20)
    if unchecked:
        return Check(name, WARN, msg("{path} readable, {length} marts, {when}; no manifest "
                                     "(an older publish): completeness not checked until the "
                                     "next refresh", path=path, length=len(tables), when=when))
    return Check(name, OK, msg("{path} readable, {length} marts complete, {when}", path=path,
                               length=len(tables), when=when))


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    value = datetime.fromisoformat(ts)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _age(delta: timedelta) -> Msg:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return msg("{minutes} min", minutes=minutes)
    if minutes < 48 * 60:
        return msg("{hours:.1f} h", hours=minutes / 60)
    return msg("{days:.1f} days", days=minutes / 1440)


def _check_last_refresh(settings: Settings, now: datetime, max_age: timedelta) -> Check:
    from seiton.warehouse.refresh import read_status

    name = "last refresh"
    status = read_status(settings)
    success = _parse(status.get("last_success_at"))
    failure = _parse(status.get("last_failure_at"))
    started = _parse(status.get("last_started_at"))
    if success is None:
        if failure is not None:
            return Check(name, FAIL, msg("never succeeded; last failure {age} ago: {error}",
                                         age=_age(now - failure), error=status.get("last_error")))
        return Check(name, FAIL, msg("never run: run `seiton refresh`"))
    if failure is not None and failure > success:
        return Check(name, FAIL, msg("failed {age} ago: {error} (last success {success_age} ago)",
                                     age=_age(now - failure), error=status.get("last_error"),
                                     success_age=_age(now - success)))
    if now - success > max_age:
        return Check(name, FAIL, msg("last success {age} ago, older than {max_age}: is the "
                                     "scheduled refresh running?", age=_age(now - success),
                                     max_age=_age(max_age)))
    timings = status.get("last_timings") or {}
    took = msg(", took {seconds:.0f} s", seconds=timings["total"]) if "total" in timings \
        else Msg(None)
    if started is not None and started > success and (failure is None or started > failure):
        if _refresh_running(settings):
            return Check(name, OK, msg("succeeded {age} ago{took}; one is running now",
                                       age=_age(now - success), took=took))
        return Check(name, WARN, msg("succeeded {age} ago{took}; the one started {started_age} "
                                     "ago was interrupted (killed?)", age=_age(now - success),
                                     took=took, started_age=_age(now - started)))
    return Check(name, OK, msg("succeeded {age} ago{took}", age=_age(now - success), took=took))


def _check_freshness(settings: Settings, now: datetime, max_age: timedelta) -> Check:
    import duckdb
    from sqlalchemy import DateTime, bindparam, create_engine, text

    from ingestion.pipeline import source_tables

    name = "source freshness"
    if not settings.build_warehouse.exists():
        return Check(name, FAIL, msg("no build warehouse to compare with"))
    if _refresh_running(settings):
        return Check(name, OK, msg("a refresh is running: not compared"))
    tables = source_tables()
    try:
        with duckdb.connect(str(settings.build_warehouse), read_only=True) as wh:
            loaded = {}
            for table in tables:
                try:
                    loaded[table] = wh.execute(
                        f'select max(updated_at) from raw."{table}"').fetchone()[0]  # noqa: S608
                except duckdb.Error:
                    loaded[table] = None
    except duckdb.Error as exc:
        return Check(name, FAIL, msg("build warehouse unreadable: {error}", error=_one_line(exc)))
    engine = create_engine(settings.operational_url)
    pending: dict[str, tuple[int, datetime]] = {}
    try:
        with engine.connect() as con:
            for table in tables:
                since = loaded[table]
                query = text(f'select count(*), min(updated_at) from "{table}"'  # noqa: S608
                             + ("" if since is None else " where updated_at > :since"))
                if since is not None:  # bound as the column's type: SQLite compares text
                    query = query.bindparams(bindparam("since", since, type_=DateTime()))
                n, oldest = con.execute(query).one()
                if n:
                    pending[table] = (n, _to_dt(oldest))
    finally:
        engine.dispose()
    if not pending:
        return Check(name, OK, msg("the warehouse holds every change of the {length} source "
                                   "tables", length=len(tables)))
    oldest = min(ts for _, ts in pending.values())
    lag = now - oldest
    detail = msg("{rows} changed rows in {length} tables not loaded yet ({tables}); oldest {age} "
                 "old", rows=sum(n for n, _ in pending.values()), length=len(pending),
                 tables=", ".join(sorted(pending)[:4]) + ("…" if len(pending) > 4 else ""),
                 age=_age(lag))
    if lag > max_age:
        return Check(name, FAIL, Joined([detail, msg(", beyond {max_age}: run `seiton refresh`",
                                                     max_age=_age(max_age))], sep=""))
    return Check(name, WARN if lag > timedelta(hours=1) else OK, detail)


def _to_dt(value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else \
            value.astimezone(UTC).replace(tzinfo=None)
    return datetime.fromisoformat(str(value))


def _check_disk(settings: Settings) -> Check:
    name = "disk space"
    home = settings.home if settings.home.exists() else Path(settings.home).parent
    free = shutil.disk_usage(home).free
    if free < MIN_FREE_BYTES:
        return Check(name, FAIL, msg("{gib:.1f} GiB free under {home} (a refresh needs room for a "
                                     "second copy of the marts)", gib=free / 2**30, home=home))
    return Check(name, OK, msg("{gib:.1f} GiB free under {home}", gib=free / 2**30, home=home))


def _one_line(exc: BaseException) -> str:
    text_ = str(exc).strip()
    return f"{type(exc).__name__}: {text_.splitlines()[0] if text_ else ''}"
