"""PostgreSQL end to end (docs/quality-targets.md, reliability 1 and 6; docs/reliability.md).

- `SEITON_OPERATIONAL_URL=<postgresql>`: init → demo-data (tiny) → refresh → a mart answers
  `seiton sql`; a second refresh with no change leaves every mart identical and the raw
  row counts equal to the source's, although on PostgreSQL each load re-reads a 30-second
  window (ingestion/pipeline.py, POSTGRES_CURSOR_LAG_SECONDS) that merge must de-duplicate.
- A transaction that commits late with an older `updated_at` than rows already loaded
  (concurrent writers commit out of cursor order) is still loaded by the next run.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, text

from tests.reliability.conftest import DEMO_UNTIL, published, seiton

pytestmark = [pytest.mark.e2e]


def raw_counts_differ(url: str, warehouse: Path) -> dict[str, tuple[int, int]]:
    from ingestion.pipeline import source_tables

    engine = create_engine(url)
    out = {}
    try:
        with engine.connect() as src, duckdb.connect(str(warehouse), read_only=True) as wh:
            for table in source_tables():
                expected = src.execute(text(f'select count(*) from "{table}"')).scalar()  # noqa: S608
                got = wh.execute(f'select count(*), count(distinct id) from raw."{table}"').fetchone()  # noqa: S608
                if (expected, expected) != got:
                    out[table] = (expected, got)
    finally:
        engine.dispose()
    return out


def test_postgresql_end_to_end_and_idempotent(pg_url: str, tmp_path: Path, figures) -> None:
    from seiton.warehouse.checksums import relation_checksums

    home = tmp_path / "home"
    home.mkdir()
    env = {"SEITON_OPERATIONAL_URL": pg_url}
    t0 = time.perf_counter()
    seiton(home, "init", **env)
    seiton(home, "demo-data", "--scale", "tiny", "--until", DEMO_UNTIL, **env)
    t1 = time.perf_counter()
    seiton(home, "refresh", "--quiet", **env)
    t2 = time.perf_counter()
    assert not (home / "operational.db").exists()  # everything went to PostgreSQL

    answer = seiton(home, "sql", "select count(*) as n, sum(total) as total "
                    "from marts.fct_billing_charges", "--format", "json", **env)
    row = json.loads(answer.stdout)[0]
    assert row["n"] > 0 and float(row["total"]) > 0
    stages = seiton(home, "sql", "select stage_code from marts.dim_stage order by stage_id",
                    "--format", "csv", **env).stdout.split()
    assert stages[1:3] == ["sales", "formalization"]
    assert raw_counts_differ(pg_url, home / "warehouse.duckdb") == {}
    first = relation_checksums(published(home))

    t3 = time.perf_counter()
    seiton(home, "refresh", "--quiet", **env)
    t4 = time.perf_counter()
    second = relation_checksums(published(home))
    assert second == first
    assert raw_counts_differ(pg_url, home / "warehouse.duckdb") == {}
    figures(generate_s=round(t1 - t0, 1), first_refresh_s=round(t2 - t1, 1),
            second_refresh_s=round(t4 - t3, 1), marts=len(first), charges=row["n"])


def test_postgresql_late_commit_is_loaded(pg_url: str, tmp_path: Path) -> None:
    """B commits before A although A wrote first (older updated_at): A still reaches raw."""
    from ingestion.pipeline import ensure_raw_tables, load
    from operational_app.domain import billing
    from operational_app.store.engine import dispose_engines, write_session
    from operational_app.store.migrate import upgrade
    from tests.reliability import writers as W

    upgrade(pg_url)
    W.setup_business(pg_url, 1)
    warehouse, pipelines = tmp_path / "warehouse.duckdb", tmp_path / "dlt"
    ensure_raw_tables(pg_url, warehouse)
    load(pg_url, warehouse, pipelines)

    wrote, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer() -> None:
        with write_session(pg_url) as s:
            billing.record_payment(s, "late", payment_number="LATE-A", account_code=W.ACCOUNT,
                                   received_on="2025-06-01", amount="10.00", currency="MXN")
            wrote.set()  # flushed: its updated_at is older than B's
            release.wait(60)
        done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert wrote.wait(60)
    time.sleep(0.05)
    with write_session(pg_url) as s:
        billing.record_payment(s, "early", payment_number="EARLY-B", account_code=W.ACCOUNT,
                               received_on="2025-06-01", amount="20.00", currency="MXN")
    load(pg_url, warehouse, pipelines)  # sees B; A is not committed yet
    release.set()
    thread.join(60)
    assert done.is_set()
    load(pg_url, warehouse, pipelines)
    dispose_engines()

    with duckdb.connect(str(warehouse), read_only=True) as con:
        numbers = {r[0]: r[1] for r in con.execute(
            "select payment_number, count(*) from raw.payments group by 1").fetchall()}
        a_at, b_at = (con.execute("select updated_at from raw.payments where payment_number = ?",
                                  [n]).fetchone()[0] for n in ("LATE-A", "EARLY-B"))
    assert numbers.get("EARLY-B") == 1
    assert numbers.get("LATE-A") == 1, "a late commit with an older cursor value was missed"
    assert a_at < b_at
