"""`seiton backup` and `seiton restore`: a consistent online copy of the operational DB.

SQLite: the sqlite3 online-backup API in one step, which copies one read snapshot while
writers keep committing (WAL mode: readers never block the writer), then checks the copy
with `PRAGMA integrity_check` before it takes its final name. A restore writes the backup
back through the same API into the live database (never by replacing the file under its
-wal and -shm companions), after saving the current content beside it.

PostgreSQL: `pg_dump` (one snapshot transaction, writers keep going) to a plain SQL file
with `--clean --if-exists`, restored with `psql --single-transaction -v ON_ERROR_STOP=1`.
Both clients must be on PATH (Debian: `apt-get install postgresql-client`); without them
the command stops with that advice. Credentials go to the clients through PG* environment
variables, never on a command line.

After a restore the warehouse's load state no longer matches the source (rows written after
the backup are still in `raw`, and dlt's cursor is past them), so the build warehouse and
dlt's state are reset under the refresh lock: the next `seiton refresh` reloads everything.
The published warehouse keeps serving until then.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from operational_app.domain import messages
from seiton.config import Settings

SQLITE_PREFIX = "sqlite:///"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do: an English
    template and its params, `text(lang)` in the user's language (docs/conventions.md
    "Messages")."""

    def __init__(self, template: str, /, **params: object):
        self.template, self.params = template, params
        super().__init__(messages.render(template, params))

    def text(self, lang: str | None) -> str:
        return messages.render(self.template, self.params, lang)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def sqlite_path(url: str) -> Path:
    if not url.startswith(SQLITE_PREFIX):
        raise BackupError("not a SQLite URL: {scheme}://…", scheme=url.split("://", 1)[0])
    return Path(url.removeprefix(SQLITE_PREFIX).split("?", 1)[0])


def default_target(settings: Settings) -> Path:
    suffix = "db" if settings.is_sqlite else "sql"
    return settings.home / "backups" / f"operational-{_stamp()}.{suffix}"


def backup(settings: Settings, target: Path | None = None) -> Path:
    """Write a consistent copy of the operational DB to `target` (default under
    $SEITON_HOME/backups); returns the path written."""
    target = Path(target) if target else default_target(settings)
    if target.is_dir():
        suffix = "db" if settings.is_sqlite else "sql"
        target = target / f"operational-{_stamp()}.{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if settings.is_sqlite:
            _sqlite_backup(sqlite_path(settings.operational_url), tmp)
        else:
            _pg_dump(settings.operational_url, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def restore(settings: Settings, source: Path) -> Path | None:
    """Replace the operational DB's content with the backup at `source`; returns where the
    previous content was saved (SQLite) or None (PostgreSQL: take a backup first)."""
    from operational_app.store.engine import dispose_engines
    from operational_app.store.migrate import upgrade

    source = Path(source)
    if not source.is_file():
        raise BackupError("no backup file at {source}", source=source)
    saved = None
    if settings.is_sqlite:
        _check_sqlite_backup(source)
        live = sqlite_path(settings.operational_url)
        if live.exists():
            saved = backup(settings, settings.home / "backups" /
                           f"operational-before-restore-{_stamp()}.db")
        live.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, live)
    else:
        _pg_restore(settings.operational_url, source)
    dispose_engines()
    upgrade(settings.operational_url)  # a backup from an older release gets today's schema
    reset_warehouse_load_state(settings)
    return saved


def reset_warehouse_load_state(settings: Settings) -> None:
    """Forget what was loaded (build warehouse and dlt's local state); the published file
    stays. Under the refresh lock, so no refresh is half-way through."""
    from seiton.warehouse.bootstrap import ensure_warehouse
    from seiton.warehouse.refresh import RefreshError, refresh_lock

    try:
        with refresh_lock(settings):
            for path in (settings.build_warehouse, Path(f"{settings.build_warehouse}.wal")):
                path.unlink(missing_ok=True)
            shutil.rmtree(settings.pipelines_dir, ignore_errors=True)
            ensure_warehouse(settings)
    except RefreshError as exc:
        raise BackupError("restored, but a refresh is running: run `seiton restore` again "
                          "when it has finished, or the warehouse will keep stale rows") from exc


# --------------------------------------------------------------------------- SQLite


def _sqlite_backup(live: Path, target: Path) -> None:
    if not live.exists():
        raise BackupError("no operational DB at {live}: run `seiton init` first", live=live)
    try:
        _sqlite_copy(live, target)
        con = sqlite3.connect(str(target))
        try:  # one self-contained file: no -wal/-shm companions to carry around
            con.execute("pragma journal_mode = delete")
        finally:
            con.close()
        _check_sqlite_backup(target)
    finally:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path) -> None:
    """One-step online backup: a single consistent snapshot of `source` written to `target`
    (waiting up to 30 s for a writer that holds the database exclusively)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        src.execute("pragma busy_timeout = 30000")
        dst.execute("pragma busy_timeout = 30000")
        src.backup(dst)  # pages=-1: everything in one step, one read transaction
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("pragma integrity_check").fetchone()[0]
            tables = {r[0] for r in con.execute(
                "select name from sqlite_master where type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("{path} is not a readable SQLite database: {exc}", path=path,
                          exc=exc) from exc
    if result != "ok":
        raise BackupError("{path} failed the integrity check: {result}", path=path, result=result)
    if "alembic_version" not in tables:
        raise BackupError("{path} is not a Seiton operational DB (it has no schema version)",
                          path=path)


# --------------------------------------------------------------------------- PostgreSQL


def _pg_env(url: str) -> dict[str, str]:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
                       ("PGPASSWORD", u.password), ("PGDATABASE", u.database)):
        if value is not None:
            env[key] = str(value)
    for name, value in u.query.items():  # e.g. sslmode=require → PGSSLMODE
        if isinstance(value, str):
            env[f"PG{name.upper()}"] = value
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError("{name} not found on PATH: install the PostgreSQL client tools "
                          "(Debian: apt-get install postgresql-client), of the server's "
                          "major version or newer", name=name)
    return path


def _pg_dump(url: str, target: Path) -> None:
    cmd = [_pg_tool("pg_dump"), "--format=plain", "--clean", "--if-exists", "--no-owner",
           "--no-privileges", "--file", str(target)]
    done = subprocess.run(cmd, env=_pg_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError("pg_dump failed: {first}", first=_first_line(done.stderr))


def _pg_restore(url: str, source: Path) -> None:
    head = source.read_text(encoding="utf-8", errors="replace")[:4096]
    if "PostgreSQL database dump" not in head:
        raise BackupError("{source} is not a plain pg_dump file (made by `seiton backup`)",
                          source=source)
    cmd = [_pg_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction",
           "-v", "ON_ERROR_STOP=1", "--file", str(source)]
    done = subprocess.run(cmd, env=_pg_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError("psql restore failed (nothing changed): {first}",
                          first=_first_line(done.stderr))


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"
