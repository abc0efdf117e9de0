"""Measure (not assert) a form submit under concurrency: 8 writer processes record meter
readings through the domain layer exactly as the readings page does on submit — one
`write_session()` transaction around `billing.record_meter_reading(...)` as the signed-in
user — on SQLite (docs/quality-targets.md, "Performance targets": a form submit with 8 concurrent
writers under 200 ms p95). Not collected by pytest (the file name says bench).

    .venv/bin/python tests/app/bench_form_submit.py [--writers 8] [--submits 100] [--reads]

`--reads` also times what the page does after a successful submit: clearing the pick-list
cache and the rerun's reads (the device pick-list and the latest-readings table).
Prints median, p95 and max per submit, and the total throughput.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

INSTALLED = date(2020, 1, 1)


def _setup(home: Path, writers: int, devices_per_writer: int) -> None:
    os.environ["SEITON_HOME"] = str(home)
    from operational_app.domain import formalization, implementation, sales, users
    from operational_app.store.engine import dispose_engines, write_session
    from seiton import cli

    assert cli.main(["init"]) == 0
    with write_session() as s:
        for w in range(writers):
            users.add_user(s, "bench", username=f"lector{w}", display_name=f"Lector {w}",
                           role="operator", area="operacion", password="clave-de-banco-123")
        sales.create_account(s, "bench", account_code="BENCH", name="Bench SA", tax_rate="0.16")
        formalization.create_contract(s, "bench", contract_number="C-BENCH",
                                      account_code="BENCH", start_date="2019-12-01",
                                      end_date="2030-12-31", currency="MXN",
                                      payment_terms_days=30, activated_on="2019-12-01")
        for w in range(writers):
            for k in range(devices_per_writer):
                implementation.install_device(
                    s, "bench", serial=f"SN-{w:02d}-{k:03d}", contract_number="C-BENCH",
                    installed_on=INSTALLED, install_mono_counter=0, install_color_counter=0)
    dispose_engines()


def _writer(home: str, writer: int, submits: int, devices: int, reads: bool,
            start: mp.synchronize.Event, out: mp.Queue) -> None:
    os.environ["SEITON_HOME"] = home
    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"  # st.cache_data outside a server warns
    from operational_app.domain import billing
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    actor = f"lector{writer}"
    if reads:
        from operational_app.pages import queries
    latencies: list[float] = []
    failures = 0
    start.wait()
    for i in range(submits):
        serial = f"SN-{writer:02d}-{i % devices:03d}"
        day = INSTALLED + timedelta(days=1 + i // devices)
        counter = 100 * (1 + i // devices)
        t0 = time.perf_counter()
        try:
            with write_session() as session:  # the page's EntryForm.save
                billing.record_meter_reading(session, actor, serial=serial,
                                             read_on=day.isoformat(),
                                             mono_counter=str(counter), color_counter="0",
                                             source="manual", meter_reset=False)
        except ValidationError:
            failures += 1
        if reads:
            queries._cached_pick.clear()  # noqa: SLF001 - what queries.invalidate() does
            with queries.read_session() as s:
                queries.PICKERS["devices"](s, "installed")
            queries.readings_table("")
        latencies.append(time.perf_counter() - t0)
    out.put((writer, latencies, failures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--submits", type=int, default=100, help="per writer")
    parser.add_argument("--devices", type=int, default=10, help="per writer")
    parser.add_argument("--reads", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="seiton-bench-") as tmp:
        home = Path(tmp)
        _setup(home, args.writers, args.devices)
        ctx = mp.get_context("spawn")
        start, out = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_writer, args=(str(home), w, args.submits, args.devices,
                                                   args.reads, start, out))
                 for w in range(args.writers)]
        for p in procs:
            p.start()
        time.sleep(3)  # let every process import before the start signal
        t0 = time.perf_counter()
        start.set()
        results = [out.get() for _ in procs]
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()

        latencies = sorted(x for _, lat, _ in results for x in lat)
        failures = sum(f for _, _, f in results)
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{home / 'operational.db'}")
        with engine.connect() as con:
            stored = con.execute(text("select count(*) from meter_readings")).scalar()
            audited = con.execute(text(
                "select count(*) from audit_log where entity = 'meter_readings'")).scalar()
        engine.dispose()

    what = "write + rerun reads" if args.reads else "write transaction"
    print(f"form submit ({what}), SQLite, {args.writers} concurrent writers × "
          f"{args.submits} submits")
    print(f"  median {statistics.median(latencies) * 1000:7.1f} ms")
    print(f"  p95    {p95 * 1000:7.1f} ms")
    print(f"  max    {latencies[-1] * 1000:7.1f} ms")
    print(f"  throughput {len(latencies) / wall:6.1f} submits/s over {wall:.1f} s")
    print(f"  refused {failures}; readings stored {stored}; audited {audited}")
    return 0 if failures == 0 and stored == len(latencies) == audited else 1


if __name__ == "__main__":
    sys.exit(main())
