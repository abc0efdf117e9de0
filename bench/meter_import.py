"""`make bench-meters`: a 50 MB fleet-agent export through `seiton import-meters`
(docs/quality-targets.md style: medians of several runs, each in its own process, peak memory).

    python -m bench.meter_import [--mb 50] [--devices 5000] [--runs 3]

Builds once, under bench/work/meters/, an operational DB with `--devices` devices installed
through the domain layer, and an FMAudit-like export (cp1252, ';', dd/mm/yyyy hh:mm, '.'
thousands, extra columns, customer-owned devices) of about `--mb` megabytes of daily scans
(operational_app/meter_capture/samples.py). Each run copies the DB, then times the whole
import — read, decode, parse, every domain rule, write and audit — in a fresh process. The
target (the meter-capture issue): under 30 s. Writes bench/results/<timestamp>-meters.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "meters"
RESULTS = ROOT / "bench" / "results"
TARGET_S = 30.0


def build(devices: int, mb: float) -> tuple[Path, Path, int]:
    """The template DB and the export (kept between runs of the benchmark)."""
    from operational_app.domain import fields, formalization, implementation, sales
    from operational_app.meter_capture import samples
    from operational_app.store.engine import dispose_engines, get_engine, write_session
    from operational_app.store.migrate import upgrade

    tag = f"{devices}-{mb:g}mb-{fields.today():%Y%m%d}"
    db, export = WORK / f"{tag}.db", WORK / f"{tag}.csv"
    if db.exists() and export.exists():
        return db, export, export.read_bytes().count(b"\n") - 1
    WORK.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db}"
    db.unlink(missing_ok=True)
    upgrade(url)
    today = fields.today()
    installed = today - timedelta(days=400)
    with write_session(url) as s:
        sales.create_account(s, "bench", account_code="BENCH", name="Bench SA",
                             tax_rate="0.16")
        sales.create_opportunity(s, "bench", opportunity_code="OPB", account_code="BENCH",
                                 owner="bench", estimated_amount="1000.00",
                                 created_on=installed - timedelta(days=30))
        sales.change_opportunity_stage(s, "bench", opportunity_code="OPB", to_stage="won",
                                       changed_on=installed - timedelta(days=20))
        formalization.create_contract(s, "bench", contract_number="CB", account_code="BENCH",
                                      start_date=installed - timedelta(days=10),
                                      end_date=today + timedelta(days=800), currency="MXN",
                                      payment_terms_days=30)
        formalization.add_price_plan(s, "bench", contract_number="CB",
                                     effective_from=(installed - timedelta(days=10)).replace(
                                         day=1), fixed_monthly_fee="1000.00",
                                     included_mono_pages=1000, included_color_pages=100,
                                     mono_rate="0.10", color_rate="1.00")
        for step in formalization.REQUIRED_STEPS:
            formalization.decide_formalization_step(
                s, "bench", contract_number="CB", step=step, decision="approved",
                decided_on=installed - timedelta(days=9))
        formalization.activate_contract(s, "bench", contract_number="CB",
                                        activated_on=installed - timedelta(days=5))
        for n in range(devices):
            implementation.install_device(s, "bench", serial=f"BN{n:06d}", contract_number="CB",
                                          installed_on=installed, install_mono_counter=1000,
                                          install_color_counter=100, model="Bench 9000",
                                          is_color=True)
    for write in (True, False):  # close the template (its WAL checkpointed)
        get_engine(url, write=write).dispose()
    dispose_engines()
    # rows of ~130 bytes: how many daily scans per device make `mb`
    fleet = [samples.Fleet(f"BN{n:06d}", 1000, 100, installed, 150 + n % 200, 20)
             for n in range(devices)]
    probe = samples.fmaudit_rows(fleet[:50], 10, resend=False, customer_owned=0)
    row_bytes = sum(len(";".join(r)) + 2 for r in probe) / len(probe)
    days = max(1, int(mb * 1024 * 1024 / row_bytes / devices))
    rows = samples.fmaudit_rows(fleet, min(days, 395), resend=False, customer_owned=20,
                                until=today)
    samples.write_fmaudit(export, rows)
    return db, export, len(rows)


def one_run(db: Path, export: Path) -> dict:
    """The import in its own process, on a copy of the template DB."""
    scratch = WORK / "run.db"
    scratch.unlink(missing_ok=True)
    with sqlite3.connect(db) as src, sqlite3.connect(scratch) as dst:
        src.backup(dst)  # a consistent copy, WAL included
    code = (
        "import json, resource, sys, time\n"
        "from operational_app.meter_capture.importer import import_meters\n"
        "t = time.perf_counter()\n"
        f"r = import_meters({str(export)!r}, 'fmaudit-es', actor='bench',"
        f" url='sqlite:///{scratch}')\n"
        "s = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(json.dumps({'seconds': s, 'cpu_s': u.ru_utime + u.ru_stime,"
        " 'inserted': r.inserted, 'held': r.held, 'errors': len(r.errors),"
        " 'written': r.written, 'peak_mib': u.ru_maxrss / 1024}))\n")
    env = dict(os.environ, SEITON_IMPORT_MAX_MB="200")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    scratch.unlink(missing_ok=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    db, export, rows = build(args.devices, args.mb)
    size = export.stat().st_size
    print(f"export {export.name}: {size / 1024 / 1024:.1f} MiB, {rows:,} rows "
          f"(built in {time.perf_counter() - started:.0f} s)")
    runs = [one_run(db, export) for _ in range(args.runs)]
    for r in runs:
        assert r["written"] and not r["errors"] and r["inserted"] >= rows * 0.99, r
    median = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_mib"] for r in runs)
    load = os.getloadavg()[0]
    mark = "✓" if median < TARGET_S else "✗ missed"
    print(f"{'what':<38} {'median s':>9} {'rows/s':>10} {'peak MiB':>9}")
    what = f"import-meters, {size / 1024 / 1024:.0f} MiB fmaudit-es"
    print(f"{what:<38} "
          f"{median:>9.2f} {rows / median:>10,.0f} {peak:>9.0f}  target < {TARGET_S:g} s {mark}")
    times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    print(f"runs: {times} s (median CPU time of the process {cpu:.1f} s: what it needs of a "
          "core when the machine is not shared); "
          f"{runs[0]['inserted']:,} readings written, {runs[0]['held']:,} held; "
          f"1-min load average {load:.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}-meters.json"
    out.write_text(json.dumps({
        "step": "import_meters", "bytes": size, "rows": rows, "devices": args.devices,
        "runs": runs, "median_s": median, "rows_per_s": rows / median, "peak_mib": peak,
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "target_s": TARGET_S, "met": median < TARGET_S, "load_average_1m": load,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()}}, indent=2))
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
