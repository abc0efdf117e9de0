"""The load step's own failure modes (docs/reliability.md, crash mid-refresh):

- a killed run leaves an extracted package behind; dlt's `run(data)` would then load only
  that package and skip the extraction, publishing stale marts — `ingestion.pipeline.load`
  finishes the package first and then extracts;
- connectorx reads SQLite with its own copy of the SQLite library, which must not share a
  process with open pysqlite connections to the same file (it deletes the WAL under them):
  the refresh loads in a child process, so the caller's connections — the app's, when an
  admin presses "refresh now" — keep working and every later write is loaded.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
from sqlalchemy import text

from operational_app.store.engine import dispose_engines, get_engine
from tests.reliability import data
from tests.reliability.conftest import sqlite_url


def in_raw(home: Path, reading: data.Reading) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select count(*) from raw.meter_readings r join raw.devices d on d.id = r.device_id "
            "where d.serial = ? and r.read_on = ?", [reading.serial, reading.read_on]).fetchone()[0]


# a run killed between extract and normalize, in its own process as the refresh's load runs
_EXTRACT_ONLY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from ingestion.pipeline import make_pipeline, operational_source\n"
    "home = Path(sys.argv[1])\n"
    "p = make_pipeline(home / 'warehouse.duckdb', home / 'dlt_pipelines')\n"
    "p.extract(operational_source(sys.argv[2], ['meter_readings']))\n"
    "assert p.has_pending_data\n"
)


def test_load_after_an_interrupted_load_extracts_new_changes(tiny_copy: Path) -> None:
    """Both steps run in child processes, as `seiton refresh` runs its load: connectorx
    must not read the file from a process that wrote it through pysqlite (module docstring)."""
    import subprocess
    import sys

    from ingestion.pipeline import make_pipeline
    from seiton.config import PROJECT_ROOT, load_settings
    from seiton.warehouse.refresh import load_in_child

    home = tiny_copy
    url = sqlite_url(home)
    serials = data.readable_devices(url)
    first = data.try_add_reading(url, serials)
    dispose_engines()
    subprocess.run([sys.executable, "-c", _EXTRACT_ONLY, str(home), url], cwd=PROJECT_ROOT,
                   check=True, capture_output=True, timeout=300)
    assert make_pipeline(home / "warehouse.duckdb", home / "dlt_pipelines").has_pending_data
    second = data.try_add_reading(url, serials, start=serials.index(first.serial) + 1)
    dispose_engines()

    result = load_in_child(load_settings())
    assert result.rows_by_table.get("meter_readings", 0) == 2
    assert not make_pipeline(home / "warehouse.duckdb", home / "dlt_pipelines").has_pending_data
    assert in_raw(home, first) == 1
    assert in_raw(home, second) == 1


def test_the_callers_sqlite_connections_survive_the_load(tiny_copy: Path) -> None:
    from seiton.config import load_settings
    from seiton.warehouse.refresh import load_in_child

    home = tiny_copy
    url = sqlite_url(home)
    settings = load_settings()
    serials = data.readable_devices(url)
    engine = get_engine(url)  # the app's pooled write connection stays open throughout
    with engine.connect() as con:
        con.execute(text("select 1"))
    loaded = []
    for k in range(3):
        reading = data.try_add_reading(url, serials, start=5 * k)
        result = load_in_child(settings)
        assert result.rows_by_table.get("meter_readings") == 1, (k, result.rows_by_table)
        loaded.append(reading)
    for reading in loaded:
        assert in_raw(home, reading) == 1
    # the file is intact and every connection, old or new, sees the same rows
    fresh = sqlite3.connect(home / "operational.db")
    try:
        assert fresh.execute("pragma integrity_check").fetchone()[0] == "ok"
        n_fresh = fresh.execute("select count(*) from meter_readings").fetchone()[0]
    finally:
        fresh.close()
    with engine.connect() as con:
        assert con.execute(text("select count(*) from meter_readings")).scalar() == n_fresh
    assert (home / "operational.db-wal").exists()  # nobody deleted the WAL under the pool
    dispose_engines()
