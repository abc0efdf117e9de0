"""Operations: `seiton backup`, `seiton restore` and `seiton doctor` (docs/reliability.md).

- A SQLite backup taken while 4 writer processes commit is one consistent snapshot: intact,
  and every transaction in it is whole (each writer's audit rows match its rows exactly).
- A restore puts that content back (the previous content saved beside it) and resets the
  warehouse's load state, so the next refresh reloads from the restored data.
- PostgreSQL: pg_dump while writers run, then psql restore: later rows gone, schema at
  head, the immutability triggers back; without pg_dump on PATH, a clear one-line error.
- `seiton doctor` passes on a healthy home and fails, naming the check, on each broken one.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from operational_app.domain import sales
from operational_app.store.engine import dispose_engines, read_session, write_session
from operational_app.store.migrate import upgrade
from operational_app.store.models import (
    Account,
    AuditLog,
    MeterReading,
    Payment,
    PaymentApplication,
    Ticket,
)
from tests.reliability import data
from tests.reliability import writers as W
from tests.reliability.conftest import published, seiton


def _start_writers(url: str, writers: int, n: int):
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=W.writer, args=(url, w, n, start, out)) for w in range(writers)]
    for p in procs:
        p.start()
    time.sleep(2.0)
    start.set()
    # the Event travels with the queue: a child still starting up (slow on a loaded machine)
    # unpickles it by name, and the name disappears once the parent drops its last reference
    return procs, (out, start)


def _finish(procs, channel) -> list[dict]:
    out, _start = channel
    reports = W.collect(procs, out, timeout=900)
    assert [e for r in reports for e in r["errors"]] == []
    return reports


def _whole_transactions(db: Path) -> dict[str, int]:
    """Rows per table of a SQLite file, after checking every writer's audit rows match its
    rows one for one (a snapshot cut through a transaction would break the match)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
                  for t in ("meter_readings", "tickets", "payments", "payment_applications",
                            "audit_log")}
        for (actor,) in con.execute("select distinct created_by from meter_readings "
                                    "where created_by like 'writer-%'").fetchall():
            rows = sum(con.execute(f"select count(*) from {t} where created_by = ?",  # noqa: S608
                                   [actor]).fetchone()[0]
                       for t in ("meter_readings", "tickets", "payments", "payment_applications"))
            responses = con.execute("select count(*) from tickets where created_by = ? and "
                                    "first_response_at is not null", [actor]).fetchone()[0]
            audited = con.execute("select count(*) from audit_log where username = ?",
                                  [actor]).fetchone()[0]
            assert audited == rows + responses, actor
        applied = con.execute("select count(*) from payments p join payment_applications a "
                              "on a.payment_id = p.id where p.payment_number like 'CE-P-%'"
                              ).fetchone()[0]
        pays = con.execute("select count(*) from payments where payment_number like 'CE-P-%'"
                           ).fetchone()[0]
        assert applied == pays  # payment and application are one transaction
    finally:
        con.close()
    return counts


def test_sqlite_backup_while_writing_then_restore(seiton_home: Path, figures) -> None:
    url = f"sqlite:///{seiton_home / 'operational.db'}"
    assert seiton(seiton_home, "init").returncode == 0
    W.setup_business(url, 4)
    dispose_engines()
    procs, out = _start_writers(url, 4, 200)
    backups, seconds = [], []
    for k in range(3):
        time.sleep(0.5)
        t = time.perf_counter()
        done = seiton(seiton_home, "backup", "--to", str(seiton_home / f"b{k}.db"))
        seconds.append(time.perf_counter() - t)
        assert "backed up to" in done.stdout
        backups.append(seiton_home / f"b{k}.db")
    _finish(procs, out)
    snapshots = [_whole_transactions(b) for b in backups]
    final = _whole_transactions(seiton_home / "operational.db")
    assert snapshots[0]["audit_log"] <= snapshots[1]["audit_log"] <= snapshots[2]["audit_log"]
    assert snapshots[0]["audit_log"] < final["audit_log"]  # taken while the writers ran

    # default target: $SEITON_HOME/backups
    done = seiton(seiton_home, "backup")
    assert (seiton_home / "backups").is_dir() and "backups/operational-" in done.stdout

    # restore the first snapshot; the warehouse forgets what it loaded
    (seiton_home / "dlt_pipelines").mkdir(exist_ok=True)
    (seiton_home / "dlt_pipelines" / "marker").write_text("x")
    done = seiton(seiton_home, "restore", str(backups[0]))
    assert "previous content saved to" in done.stdout
    dispose_engines()
    assert _whole_transactions(seiton_home / "operational.db") == snapshots[0]
    saved = sorted((seiton_home / "backups").glob("operational-before-restore-*.db"))
    assert len(saved) == 1 and _whole_transactions(saved[0]) == final
    assert not (seiton_home / "dlt_pipelines").exists()
    import duckdb

    with duckdb.connect(str(seiton_home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.payments").fetchone()[0] == 0
    figures(backups_while_writing=len(backups), backup_s=[round(s, 2) for s in seconds],
            audit_rows_in_backups=[s["audit_log"] for s in snapshots],
            audit_rows_final=final["audit_log"])


def test_restore_refuses_a_file_that_is_not_a_backup(seiton_home: Path) -> None:
    seiton(seiton_home, "init")
    bogus = seiton_home / "bogus.db"
    bogus.write_text("not a database")
    done = seiton(seiton_home, "restore", str(bogus), check=False)
    assert done.returncode == 1
    assert "not a readable SQLite database" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = seiton(seiton_home, "restore", str(seiton_home / "missing.db"), check=False)
    assert done.returncode == 1 and "no backup file" in done.stderr


def test_postgresql_backup_and_restore(pg_url: str, tmp_path: Path, figures) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"SEITON_OPERATIONAL_URL": pg_url}
    seiton(home, "init", **env)
    W.setup_business(pg_url, 2)
    dispose_engines()
    procs, out = _start_writers(pg_url, 2, 40)
    t = time.perf_counter()
    seiton(home, "backup", "--to", str(tmp_path / "pg.sql"), **env)
    backup_s = time.perf_counter() - t
    _finish(procs, out)
    dump = (tmp_path / "pg.sql").read_text()
    assert "PostgreSQL database dump" in dump and "postgres@" not in dump
    # a write after the backup (the writers may all have finished before it): the restore
    # must take the database back to before it
    with write_session(pg_url) as s:
        sales.create_account(s, data.ACTOR, account_code="AFTER-BACKUP", name="Después",
                             tax_rate="0.16")
    with read_session(pg_url) as s:
        total = s.scalar(select(func.count()).select_from(AuditLog))
    seiton(home, "restore", str(tmp_path / "pg.sql"), **env)
    dispose_engines()
    with read_session(pg_url) as s:
        restored = s.scalar(select(func.count()).select_from(AuditLog))
        assert restored < total
        assert s.scalar(select(func.count()).select_from(Account)
                        .where(Account.account_code == "AFTER-BACKUP")) == 0
        payments = s.scalar(select(func.count()).select_from(Payment))
        apps = s.scalar(select(func.count()).select_from(PaymentApplication))
        assert payments == apps  # whole transactions only
        assert s.scalar(select(func.count()).select_from(MeterReading)) >= 0
        assert s.scalar(select(func.count()).select_from(Ticket)) >= 0
    with pytest.raises(DBAPIError, match="immutable"):
        with write_session(pg_url) as s:
            s.execute(text("delete from invoices"))
    from alembic.script import ScriptDirectory

    from operational_app.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(pg_url)).get_current_head()
    engine = create_engine(pg_url)
    with engine.connect() as con:  # the restored schema is the latest one
        assert con.execute(text("select version_num from alembic_version")).scalar() == head
    engine.dispose()
    figures(backup_s=round(backup_s, 2), audit_rows_at_end=total, audit_rows_restored=restored)


def test_postgresql_backup_without_pg_dump_says_what_to_do(pg_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = seiton(home, "backup", check=False, SEITON_OPERATIONAL_URL=pg_url,
                  PATH=str(tmp_path / "empty-bin"))
    assert done.returncode == 1
    assert "pg_dump not found on PATH" in done.stderr and "postgresql-client" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- doctor


def _doctor(capsys, *args: str) -> tuple[int, str]:
    from seiton.cli import main

    code = main(["doctor", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _line(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if check in line)


@pytest.mark.e2e
def test_doctor_passes_when_healthy_and_names_each_failure(tiny_copy: Path, capsys) -> None:
    from seiton.config import load_settings
    from seiton.warehouse.refresh import _write_status, read_status

    home = tiny_copy
    code, out = _doctor(capsys)
    assert code == 0, out
    for check in ("operational DB", "build warehouse", "published warehouse", "last refresh",
                  "source freshness", "disk space"):
        assert _line(out, check).startswith("ok"), out
    assert "healthy" in out

    # a change not loaded yet is reported, and is no failure while recent
    url = f"sqlite:///{home / 'operational.db'}"
    data.try_add_reading(url, data.readable_devices(url))
    dispose_engines()
    code, out = _doctor(capsys)
    assert code == 0, out
    assert "2 changed rows in 2 tables not loaded yet (audit_log, meter_readings)" in out

    # too old: both the refresh and the unloaded change
    code, out = _doctor(capsys, "--max-age-hours", "0.00001")
    assert code == 1
    assert _line(out, "last refresh").startswith("FAIL")
    assert _line(out, "source freshness").startswith("FAIL")

    # an interrupted refresh is a warning; a failed one a failure
    settings = load_settings()
    status = read_status(settings)
    _write_status(settings, {**status, "last_started_at": "2999-01-01T00:00:00+00:00"})
    code, out = _doctor(capsys)
    assert code == 0 and _line(out, "last refresh").startswith("warn") and "interrupted" in out
    _write_status(settings, {**status, "last_failure_at": "2999-01-01T00:00:00+00:00",
                             "last_error": "dbt build failed (exit 1)"})
    code, out = _doctor(capsys)
    assert code == 1 and "dbt build failed" in _line(out, "last refresh")
    _write_status(settings, status)

    # a published warehouse that is not one complete publish
    pub = published(home)
    import duckdb

    with duckdb.connect(str(pub)) as con:
        details = json.loads(con.execute("select details from meta.publish_info").fetchone()[0])
        details["relations"]["marts.dim_stage"] += 1
        con.execute("update meta.publish_info set details = ?", [json.dumps(details)])
    code, out = _doctor(capsys)
    assert code == 1 and "marts.dim_stage has 6 rows, the manifest says 7" in out
    pub.rename(home / "elsewhere.duckdb")
    code, out = _doctor(capsys)
    assert code == 1 and _line(out, "published warehouse").startswith("FAIL")
    assert "run `seiton refresh`" in out
    assert "seiton doctor: failed: published warehouse" in out

    # an operational DB behind the latest schema
    (home / "operational.db").rename(home / "operational.old")
    for suffix in ("-wal", "-shm"):
        (home / f"operational.db{suffix}").unlink(missing_ok=True)
    sqlite3.connect(home / "operational.db").close()
    code, out = _doctor(capsys)
    assert code == 1 and "run `seiton init` to migrate" in _line(out, "operational DB")
    upgrade(url)
    dispose_engines()
