"""Run one measured step in this (fresh) process and print one JSON line:
{"step", "seconds", "rows", "peak_mib"}. Peak memory is the larger of this process's and
its children's (dbt runs as a child) maximum resident set size (getrusage).

    python -m bench.step load|build|publish|newday|dlt_readings|plain_readings[_p2] HOME [WAREHOUSE]
    python -m bench.step bill|cfdi_export HOME PERIOD [ISSUE_DATE]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def main(step: str, home: Path, extra: list[str]) -> dict:
    os.environ["SEITON_HOME"] = str(home)
    for key in ("SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE"):
        os.environ.pop(key, None)
    from seiton.config import load_settings

    s = load_settings()
    rows = 0
    if step == "load":
        from ingestion.pipeline import load

        t = time.perf_counter()
        result = load(s.operational_url, s.build_warehouse, s.pipelines_dir)
        seconds = time.perf_counter() - t
        rows = result.total_rows
        (home / "bench_loaded.json").write_text(json.dumps(result.rows_by_table))
    elif step == "build":
        from seiton.warehouse.dbt import run_dbt
        from seiton.warehouse.refresh import REFRESH_BUILD_ARGS

        t = time.perf_counter()
        code = run_dbt(s, list(REFRESH_BUILD_ARGS), quiet=True)
        seconds = time.perf_counter() - t
        if code != 0:
            raise SystemExit(f"dbt build failed ({code}); see {home / 'dbt_logs'}")
        import duckdb

        with duckdb.connect(str(s.build_warehouse), read_only=True) as con:
            rows = con.execute("select coalesce(sum(estimated_size), 0) from duckdb_tables() "
                               "where schema_name = 'raw'").fetchone()[0]
    elif step == "publish":
        from seiton.warehouse.publish import cleanup_stale, publish

        loaded = json.loads((home / "bench_loaded.json").read_text())
        t = time.perf_counter()
        cleanup_stale(s.published_warehouse)
        published = publish(s.build_warehouse, s.published_warehouse, {"loaded_rows": loaded},
                            manifest=home / "dbt_target" / "manifest.json")
        seconds = time.perf_counter() - t
        rows = sum(published.values())
    elif step == "newday":
        from bench.newday import append_day

        t = time.perf_counter()
        counts = append_day(s.operational_url)
        seconds = time.perf_counter() - t
        rows = counts["meter_readings"] + counts["tickets"] + counts["payments"]
    elif step == "bill":  # `seiton bill PERIOD --post` on the published warehouse
        from sqlalchemy import create_engine, text

        from seiton.cli import main as cli

        period, issue = extra[0], extra[1]
        t = time.perf_counter()
        code = cli(["bill", period, "--post", "--no-refresh", "--quiet", "--issue-date", issue])
        seconds = time.perf_counter() - t
        if code != 0:
            raise SystemExit(f"seiton bill failed ({code})")
        engine = create_engine(s.operational_url)
        with engine.connect() as con:
            rows = con.execute(text("select count(*) from invoices where origin = "
                                    "'billing_run' and period_start = :p"),
                               {"p": f"{period}-01"}).scalar_one()
        engine.dispose()
    elif step == "cfdi_export":  # the period's CFDI; documents without fiscal data are
        from seiton.cli import main as cli  # reported, not fatal

        folder = home / "cfdi-bench"
        t = time.perf_counter()
        cli(["cfdi", "export", extra[0], "--to", str(folder)])
        seconds = time.perf_counter() - t
        rows = len(list(folder.glob("*.xml"))) if folder.exists() else 0
    elif step == "dlt_readings":
        from ingestion.pipeline import make_pipeline, operational_source

        wh = Path(extra[0])
        t = time.perf_counter()
        p = make_pipeline(wh, wh.with_suffix(".pipelines"))
        p.run(operational_source(s.operational_url, ["meter_readings"],
                                 backfill={"meter_readings"}))
        seconds = time.perf_counter() - t
        rows = int(p.last_trace.last_normalize_info.row_counts.get("meter_readings", 0))
    elif step in ("plain_readings", "plain_readings_p2"):
        import connectorx as cx
        import duckdb

        wh = Path(extra[0])
        db = s.operational_url.removeprefix("sqlite:///")
        t = time.perf_counter()
        # plain_readings_p2: the same two id ranges read at once that dlt's settings use
        split = {"partition_on": "id", "partition_num": 2} if step.endswith("_p2") else {}
        table = cx.read_sql(f"sqlite://{db}", "select * from meter_readings",
                            return_type="arrow", **split)
        with duckdb.connect(str(wh)) as con:
            con.execute("create schema if not exists raw")
            con.register("src", table)
            con.execute("create table raw.meter_readings as select * from src")
        seconds = time.perf_counter() - t
        rows = table.num_rows
    else:
        raise SystemExit(f"unknown step {step}")
    return {"step": step, "seconds": seconds, "rows": int(rows), "peak_mib": peak_mib()}


if __name__ == "__main__":
    out = main(sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3:])
    print("BENCH " + json.dumps(out), flush=True)
