"""`make bench SCALE=small|medium|large`: the performance benchmark of docs/quality-targets.md.

    python -m bench.run --scale medium [--seed 7] [--runs 3] [--gen-runs N] [--skip-form]

Measures, as medians of `--runs` repetitions (each step in its own process, peak memory
from getrusage):

- generation of the demo business (kept under bench/work/, keyed by scale, seed and until;
  re-timed `--gen-runs` times into scratch files, default 3 for small, 0 otherwise — the
  kept database's own generation time is then reported, n = 1);
- a full refresh by step — load, build, publish — into a fresh SEITON_HOME each run;
- an incremental refresh after one new day of activity (bench/newday.py), by step;
- the dlt load of `meter_readings` against the plain path without dlt (connectorx → Arrow
  → one CREATE TABLE AS), interleaved in the same run, and their ratio;
- every query behind every dashboard page, warm, ≥ 20 times each (p50, p95);
- the stage-health page's first open (bench/page_open.py: the real app under AppTest, no
  cached answers; with chromium, also in the browser), median of 5 (`--skip-page-open`);
- 8 concurrent form-submit writers (tests/app/bench_form_submit.py), p95;
- `seiton bill PERIOD --post` of the history's last month (not invoiced by the demo) and
  its CFDI export, on a copy of the refreshed home each run (docs/billing-run.md).

Prints one table and writes bench/results/<timestamp>-<scale>.json. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.datagen import BENCH_UNTIL, WORK, ensure_golden, generate_into

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS = {  # docs/quality-targets.md
    "refresh_small_s": 60, "refresh_large_s": 600, "refresh_large_peak_mib": 6 * 1024,
    "incremental_large_s": 60, "incremental_share": 0.10, "dlt_ratio": 1.5,
    "query_p95_s": 0.5, "form_p95_s": 0.2, "bill_large_s": 120,
}


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE", "SEITON_DEMO_MODE"):
        env.pop(key, None)
    env.update(SEITON_HOME=str(home), PYTHONUNBUFFERED="1", DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", RUNTIME__LOG_LEVEL="ERROR")
    return env


def run_step(step: str, home: Path, *extra: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.step", step, str(home), *extra],
                          env=env_for(home), cwd=ROOT, capture_output=True, text=True,
                          check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"step {step} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")
    return json.loads(line[6:])


def fresh_home(golden: Path, home: Path) -> None:
    """A SEITON_HOME holding a copy of the kept operational DB and an empty warehouse.

    dbt's parse cache (dbt_target/partial_parse.msgpack) is kept from run to run, as it is
    between refreshes of an installed system; the one-off full parse is timed separately
    (`dbt parse (first, one-off)`)."""
    home.mkdir(parents=True, exist_ok=True)
    for child in home.iterdir():
        if child.name == "dbt_target":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.copy2(golden, home / "operational.db")
    subprocess.run([sys.executable, "-m", "seiton.cli", "init"], env=env_for(home), cwd=ROOT,
                   check=True, capture_output=True)


def first_parse(home: Path) -> dict:
    """dbt's one-off full parse (a fresh install's first refresh pays it once)."""
    shutil.rmtree(home / "dbt_target", ignore_errors=True)
    code = ("import sys, time; from seiton.config import load_settings; "
            "from seiton.warehouse.dbt import run_dbt; t = time.perf_counter(); "
            "c = run_dbt(load_settings(), ['parse'], quiet=True); "
            "print('BENCH', time.perf_counter() - t); sys.exit(c)")
    done = subprocess.run([sys.executable, "-c", code], env=env_for(home), cwd=ROOT,
                          capture_output=True, text=True, check=True)
    secs = float(done.stdout.split("BENCH")[-1])
    return {"median_s": secs, "rows": 0, "peak_mib": float("nan"), "n": 1,
            "runs": [round(secs, 2)]}


def checkpoint(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute("pragma wal_checkpoint(truncate)")
    finally:
        con.close()


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def summarise(runs: list[dict]) -> dict:
    return {"median_s": med([r["seconds"] for r in runs]),
            "rows": max(r["rows"] for r in runs),
            "peak_mib": max(r["peak_mib"] for r in runs),
            "runs": [round(r["seconds"], 3) for r in runs], "n": len(runs)}


def refresh_runs(golden: Path, base: Path, runs: int, say) -> tuple[dict, dict, Path]:
    full: dict[str, list[dict]] = {"load": [], "build": [], "publish": []}
    home = base
    fresh_home(golden, home)
    parse = first_parse(home)
    say(f"  dbt parse (first, one-off): {parse['median_s']:.1f} s")
    for i in range(runs):
        fresh_home(golden, home)
        for step in full:
            full[step].append(run_step(step, home))
            say(f"  full #{i + 1} {step}: {full[step][-1]['seconds']:.1f} s, "
                f"{full[step][-1]['peak_mib']:.0f} MiB")
    totals = [sum(full[s][i]["seconds"] for s in full) for i in range(runs)]
    out = {"dbt parse (first, one-off)": parse}
    out.update({f"full.{s}": summarise(v) for s, v in full.items()})
    out["full.total"] = {"median_s": med(totals), "rows": out["full.load"]["rows"],
                         "peak_mib": max(out[f"full.{s}"]["peak_mib"] for s in full),
                         "runs": [round(t, 3) for t in totals], "n": runs}
    incr: dict[str, list[dict]] = {"newday": [], "load": [], "build": [], "publish": []}
    for i in range(runs):  # each run appends the next day to the last full run's home
        for step in incr:
            incr[step].append(run_step(step, home))
            say(f"  incremental #{i + 1} {step}: {incr[step][-1]['seconds']:.1f} s "
                f"({incr[step][-1]['rows']} rows)")
    itotals = [sum(incr[s][i]["seconds"] for s in ("load", "build", "publish"))
               for i in range(runs)]
    for s, v in incr.items():
        out[f"incremental.{s}"] = summarise(v)
    out["incremental.total"] = {
        "median_s": med(itotals), "rows": out["incremental.load"]["rows"],
        "peak_mib": max(out[f"incremental.{s}"]["peak_mib"] for s in ("load", "build", "publish")),
        "runs": [round(t, 3) for t in itotals], "n": runs,
        "share_of_full": med(itotals) / out["full.total"]["median_s"]}
    return out, full, home


def ratio_runs(home: Path, runs: int, say) -> dict:
    plain, plain2, dlt = [], [], []
    scratch = home.parent / f"{home.name}-ratio"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for i in range(runs):  # interleaved, fresh destination files each time
        for kind, bucket in (("plain_readings", plain), ("plain_readings_p2", plain2),
                             ("dlt_readings", dlt)):
            wh = scratch / f"{kind}-{i}.duckdb"
            bucket.append(run_step(kind, home, str(wh)))
            say(f"  {kind} #{i + 1}: {bucket[-1]['seconds']:.2f} s ({bucket[-1]['rows']} rows)")
    shutil.rmtree(scratch, ignore_errors=True)
    p, p2, d = summarise(plain), summarise(plain2), summarise(dlt)
    if not p["rows"] == p2["rows"] == d["rows"]:
        raise RuntimeError(f"dlt copied {d['rows']} rows, the plain path {p['rows']}")
    # the ratio against the faster plain variant (the stricter comparison)
    d["ratio"] = d["median_s"] / min(p["median_s"], p2["median_s"])
    d["ratio_vs_single_read"] = d["median_s"] / p["median_s"]
    return {"readings.plain (1 read)": p, "readings.plain (2 id ranges)": p2,
            "readings.dlt": d}


def query_runs(home: Path, repeat: int) -> list[dict]:
    dest = home / "bench_queries.json"
    done = subprocess.run([sys.executable, "-m", "bench.queries", str(home), str(dest),
                           str(repeat)], env=env_for(home), cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"queries failed:\n{done.stderr[-4000:]}")
    for line in done.stderr.splitlines():
        if line.startswith("page "):  # a page that failed to render
            print(line, file=sys.stderr)
    return json.loads(dest.read_text())


def page_open_runs(home: Path, runs: int = 5) -> dict:
    """The stage-health page's first open, median of `runs` (bench/page_open.py)."""
    dest = home / "bench_page_open.json"
    done = subprocess.run([sys.executable, "-m", "bench.page_open", str(home), str(dest),
                           str(runs), "--browser"], env=env_for(home), cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"page open failed:\n{done.stderr[-4000:]}")
    return json.loads(dest.read_text())
def bill_runs(home: Path, runs: int, say) -> dict:
    """The billing run of the last month, posted, then its CFDI export: each run on a fresh
    copy of the refreshed home (the operational DB and the published warehouse)."""
    from datetime import timedelta

    period = BENCH_UNTIL.strftime("%Y-%m")
    issue = (BENCH_UNTIL + timedelta(days=4)).isoformat()
    scratch = home.parent / f"{home.name}-bill"
    bill, export = [], []
    for i in range(runs):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        for name in ("operational.db", "warehouse.published.duckdb"):
            shutil.copy2(home / name, scratch / name)
        bill.append(run_step("bill", scratch, period, issue))
        export.append(run_step("cfdi_export", scratch, period))
        say(f"  bill #{i + 1}: {bill[-1]['seconds']:.1f} s ({bill[-1]['rows']} invoices), "
            f"cfdi export {export[-1]['seconds']:.1f} s ({export[-1]['rows']} files)")
    shutil.rmtree(scratch, ignore_errors=True)
    totals = [b["seconds"] + e["seconds"] for b, e in zip(bill, export, strict=True)]
    return {f"bill {period} --post": summarise(bill),
            f"cfdi export {period}": summarise(export),
            "bill + cfdi export": {"median_s": med(totals), "rows": bill[0]["rows"],
                                   "peak_mib": max(r["peak_mib"] for r in bill + export),
                                   "runs": [round(x, 3) for x in totals], "n": runs}}


def form_runs(writers: int = 8) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "app" / "bench_form_submit.py"),
                           "--writers", str(writers)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    got = {k: float(v) / 1000 for k, v in
           re.findall(r"(median|p95|max)\s+([\d.]+) ms", done.stdout)}
    return {"writers": writers, "ok": done.returncode == 0, **{f"{k}_s": v for k, v in got.items()},
            "output": done.stdout.strip()}


def gen_runs(scale: str, seed: int, n: int, info: dict, say) -> dict:
    secs = []
    for i in range(n):
        scratch = WORK / "gen-scratch" / f"{scale}-{i}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        secs.append(generate_into(scratch / "operational.db", scale, seed)["seconds"])
        shutil.rmtree(scratch, ignore_errors=True)
        say(f"  generation #{i + 1}: {secs[-1]:.1f} s")
    if not secs:
        secs = [info["seconds"]]
    rows = sum(info["rows"].values())
    return {"median_s": med(secs), "rows": rows, "peak_mib": float("nan"),
            "runs": [round(s, 1) for s in secs], "n": len(secs),
            "path": "bulk" if scale in ("medium", "large") else "domain",
            "meter_readings": info["rows"].get("meter_readings", 0)}


def machine() -> dict:
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    return {"cpus": os.cpu_count(), "mem_gib": round(mem, 1), "platform": platform.platform(),
            "python": platform.python_version(), "load_avg_start": os.getloadavg()}


def print_table(scale: str, steps: dict) -> None:
    print(f"\n{'scale':7} {'step':30} {'median s':>9} {'rows/s':>12} {'peak MiB':>9} "
          f"{'ratio':>7} {'n':>3}")
    for name, r in steps.items():
        rows_s = r["rows"] / r["median_s"] if r.get("rows") and r["median_s"] else float("nan")
        ratio = r.get("ratio", r.get("share_of_full", float("nan")))
        print(f"{scale:7} {name:30} {r['median_s']:9.3f} {rows_s:12,.0f} "
              f"{r.get('peak_mib', float('nan')):9.0f} {ratio:7.2f} {r.get('n', 1):3}")


def _no_nan(value):
    """JSON has no NaN: not-measured figures become null."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Seiton benchmark (docs/quality-targets.md)")
    ap.add_argument("--scale", default="medium", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=None, help="default 3 (large: 1)")
    ap.add_argument("--gen-runs", type=int, default=None,
                    help="re-time generation N times (default 3 for tiny/small, else 0)")
    ap.add_argument("--query-repeat", type=int, default=20)
    ap.add_argument("--skip-form", action="store_true")
    ap.add_argument("--skip-page-open", action="store_true")
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.scale == "large" else 3)
    gen_n = args.gen_runs if args.gen_runs is not None else (
        3 if args.scale in ("tiny", "small") else 0)

    def say(msg: str) -> None:
        print(msg, flush=True)

    started = time.perf_counter()
    meta = {"scale": args.scale, "seed": args.seed, "until": BENCH_UNTIL.isoformat(),
            "runs": runs, "machine": machine(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    say(f"bench {args.scale}: demo business (seed {args.seed}, until {BENCH_UNTIL})")
    golden, info = ensure_golden(args.scale, args.seed)
    checkpoint(golden)
    steps: dict[str, dict] = {"generation": gen_runs(args.scale, args.seed, gen_n, info, say)}

    say(f"bench {args.scale}: full and incremental refresh × {runs}")
    base = WORK / "runs" / f"{args.scale}-s{args.seed}" / "home"
    refresh, _, home = refresh_runs(golden, base, runs, say)
    steps.update(refresh)

    say(f"bench {args.scale}: dlt vs plain copy of meter_readings × {max(runs, 3)}")
    steps.update(ratio_runs(home, max(runs, 3), say))

    say(f"bench {args.scale}: dashboard queries × {args.query_repeat}")
    queries = query_runs(home, args.query_repeat)
    for page in sorted({q["page"] for q in queries}):
        qs = [q for q in queries if q["page"] == page]
        worst = max(qs, key=lambda q: q["p95_s"])
        steps[f"page {page} (worst p95 of {len(qs)})"] = {
            "median_s": worst["p50_s"], "p95_s": worst["p95_s"], "rows": worst["rows"],
            "peak_mib": float("nan"), "n": worst["runs"]}
    page_open = None
    if not args.skip_page_open:
        say("bench: stage health, first open × 5")
        page_open = page_open_runs(home)
        steps["stage health first open (AppTest)"] = {
            "median_s": page_open["first_open_median_s"], "rows": 0,
            "peak_mib": float("nan"), "n": page_open["runs"]}
        if "browser_first_open_median_s" in page_open:
            steps["stage health first open (browser)"] = {
                "median_s": page_open["browser_first_open_median_s"], "rows": 0,
                "peak_mib": float("nan"), "n": len(page_open["browser_first_open_runs_s"])}
    say(f"bench {args.scale}: seiton bill --post and its CFDI export × {runs}")
    steps.update(bill_runs(home, runs, say))

    form = None
    if not args.skip_form:
        say("bench: 8 concurrent form-submit writers")
        form = form_runs()
        steps["form submit x8 (median; p95 below)"] = {
            "median_s": form.get("median_s", float("nan")), "rows": 0,
            "peak_mib": float("nan"), "n": 800}
    meta["load_avg_end"] = os.getloadavg()
    meta["wall_s"] = time.perf_counter() - started

    print_table(args.scale, steps)
    if queries:
        print(f"\nqueries: {len(queries)}; worst p95 "
              f"{max(q['p95_s'] for q in queries) * 1000:.0f} ms; worst p50 "
              f"{max(q['p50_s'] for q in queries) * 1000:.0f} ms")
    if form:
        print(f"form submit, 8 writers: p95 {form.get('p95_s', float('nan')) * 1000:.0f} ms")
    print(f"load average {meta['machine']['load_avg_start']} → {meta['load_avg_end']} "
          f"({os.cpu_count()} CPUs; the machine is shared)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = RESULTS / f"{stamp}-{args.scale}.json"
    dest.write_text(json.dumps(_no_nan({"meta": meta, "targets": TARGETS, "steps": steps,
                                        "queries": queries, "form_submit": form,
                                        "stage_health_open": page_open}),
                               indent=1, default=str))
    print(f"results: {dest.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
