"""The incremental models give exactly what a from-scratch build gives (docs/performance.md,
"Incremental models"), whatever the change.

Home A takes a sequence of changes through the domain functions (tests/e2e/incremental_steps.py:
new days, a late reading in an old period, a corrected reading — the same row updated —, a
withdrawn one, a held one approved, a meter replacement, a new price plan from an earlier
month), each round followed by an incremental `seiton refresh` (a selected build, no
--full-refresh). After each round a fresh home on a copy of the same operational data is
built from scratch, and every published mart must have the same checksum; the reading
chain's incremental table must hold the same rows as the full build's. On SQLite every
round is checked; on PostgreSQL (a small business built through the domain functions) the
final state after all the changes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from seiton.config import PROJECT_ROOT
from seiton.warehouse.checksums import relation_checksums
from tests.reliability.conftest import (
    built_from_scratch,
    copy_home,
    published,
    seiton,
    sqlite_url,
)

pytestmark = pytest.mark.e2e

ROUNDS = (("newday", "late", "correct"), ("withdraw", "held", "replace", "plan", "newday"))
INCREMENTAL = "intermediate.int_meter_reads_sequenced"


def apply(url: str, steps: tuple[str, ...]) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "tests.e2e.incremental_steps", url, *steps],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def last_plan(home: Path) -> dict:
    return json.loads((home / "refresh_status.json").read_text())["last_plan"]


def differing_rows(a: Path, b: Path, relation: str) -> int:
    """Rows of `relation` in one build warehouse and not the other (both ways)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        (n,) = con.execute(
            f"select count(*) from ((from a.{relation} except all from b.{relation}) "  # noqa: S608
            f"union all (from b.{relation} except all from a.{relation}))").fetchone()
        (rows,) = con.execute(f"select count(*) from a.{relation}").fetchone()  # noqa: S608
    assert rows > 0
    return n


def assert_equal_to_a_full_build(a: Path, b: Path) -> None:
    inc = relation_checksums(published(a))
    full = relation_checksums(published(b))
    assert sorted(inc) == sorted(full) and len(inc) > 20
    assert {k: v for k, v in inc.items() if full[k] != v} == {}
    assert differing_rows(a / "warehouse.duckdb", b / "warehouse.duckdb", INCREMENTAL) == 0


def test_incremental_models_equal_a_full_build_after_every_change(tiny_home: Path,
                                                                    tmp_path: Path) -> None:
    a = copy_home(tiny_home, tmp_path / "incremental")
    seiton(a, "refresh", "--quiet")  # built by this project already: nothing to do, or full
    for n, steps in enumerate(ROUNDS):
        made = apply(sqlite_url(a), steps)
        assert not [m for m in made if m.startswith(("late:", "plan:"))], made
        seiton(a, "refresh", "--quiet")
        assert last_plan(a)["mode"] == "selected", (made, last_plan(a))

        b = built_from_scratch(a, tmp_path / f"full-{n}")
        assert last_plan(b)["mode"] == "full"
        assert_equal_to_a_full_build(a, b)
        shutil.rmtree(b)


SMALL_BUSINESS = """
import sys
from datetime import date, timedelta
from operational_app.domain import billing
from operational_app.store.engine import write_session
from tests.domain.conftest import Builder

url = sys.argv[1]
with write_session(url) as s:
    mk = Builder(s)
    mk.world()
    mk.device("SN2", install_mono_counter=5000, install_color_counter=0)
for serial, base, color in (("SN1", 1000, 200), ("SN2", 5000, 0)):
    day, mono = date(2026, 1, 20), base
    while day < date(2026, 10, 25):
        mono += 900 + day.day * 7
        with write_session(url) as s:
            billing.record_meter_reading(s, "operacion", serial=serial, read_on=day,
                                         mono_counter=mono, color_counter=color, review=False)
        day += timedelta(days=23 if serial == "SN1" else 31)
"""


def test_incremental_models_equal_a_full_build_on_postgresql(pg_url: str,
                                                             tmp_path: Path) -> None:
    env = {"SEITON_OPERATIONAL_URL": pg_url}
    a, b = tmp_path / "incremental", tmp_path / "full"
    a.mkdir()
    b.mkdir()
    seiton(a, "init", **env)
    done = subprocess.run([sys.executable, "-c", SMALL_BUSINESS, pg_url], cwd=PROJECT_ROOT,
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seiton(a, "refresh", "--quiet", **env)
    made = apply(pg_url, ("late", "correct", "withdraw", "held", "replace", "plan", "newday"))
    seiton(a, "refresh", "--quiet", **env)
    assert last_plan(a)["mode"] == "selected", (made, last_plan(a))

    seiton(b, "init", **env)
    seiton(b, "refresh", "--quiet", **env)
    assert last_plan(b)["mode"] == "full"
    assert_equal_to_a_full_build(a, b)
