"""Benchmark: `seiton import DIR` of 10,000 stamped CFDI (docs/quality-targets.md: under 60 s).

    python -m bench.cfdi_import [--files 10000] [--runs 3]

Set-up (not timed): a store with one account and contract and FILES posted invoices, one
exported CFDI 4.0 per invoice (satcfdi, as `seiton cfdi export` writes them) stamped by the
simulated PAC into one folder. Each run imports the folder into a fresh copy of that store
(matching every ingreso to its invoice: parse, checks, insert, audit) and is timed; the
median is reported and kept as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _setup(base: Path, files: int) -> tuple[Path, Path]:
    from operational_app.cfdi import build, pac
    from operational_app.domain import fields, fiscal, writes
    from operational_app.domain.lookups import find_contract
    from operational_app.store.engine import dispose_engines, read_session, write_session
    from operational_app.store.migrate import upgrade
    from operational_app.store.models import Invoice
    from tests.domain.conftest import Builder

    fields.today = lambda: date(2026, 6, 30)
    db = base / "golden.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    with write_session(url) as s:
        b = Builder(s)
        b.account(tax_id="ACE010203AB1", fiscal_postal_code="06600", fiscal_regime="601")
        b.active_contract()
        fiscal.set_fiscal_config(s, "bench", issuer_rfc="SIM160301K55", issuer_name="Seiton",
                                 issuer_postal_code="06600")
        contract = find_contract(s, "C1")
        for folio in range(1, files + 1):
            month = 2 + folio % 4
            writes.insert(s, "bench", Invoice(
                invoice_number=f"F{folio}", contract_id=contract.id,
                period_start=date(2026, month, 1), issued_on=date(2026, month + 1, 2),
                subtotal="2500.00", tax_amount="400.00", total="2900.00", currency="MXN",
                series="F", folio=folio, origin="billing_run"), f"F{folio}", "invoice_number")
    folder = base / "cfdi"
    folder.mkdir()
    with read_session(url) as s:
        config = fiscal.fiscal_config(s)
        for invoice in s.query(Invoice).order_by(Invoice.id):
            xml = build.invoice_xml(s, invoice, config)
            stamped = pac.stamp(xml, seed=1, stamped_at=datetime(2026, 7, 1, 9))
            (folder / f"F{invoice.folio}.xml").write_bytes(stamped)
    dispose_engines()
    import sqlite3

    with sqlite3.connect(db) as con:  # everything in the main file before it is copied
        con.execute("pragma wal_checkpoint(truncate)")
    return db, folder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    from operational_app.csv_import import import_dir
    from operational_app.store.engine import dispose_engines

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        t = time.perf_counter()
        golden, folder = _setup(base, args.files)
        print(f"set-up: {args.files:,} stamped CFDI in {time.perf_counter() - t:.1f} s")
        seconds = []
        for run in range(1, args.runs + 1):
            db = base / f"run{run}.db"
            shutil.copy(golden, db)
            t = time.perf_counter()
            report = import_dir(folder, actor="bench", url=f"sqlite:///{db}")
            seconds.append(time.perf_counter() - t)
            dispose_engines()
            assert report.ok and report.inserted == args.files, [str(e) for e in report.errors[:3]]
            print(f"run {run}: {seconds[-1]:.1f} s")
    median = statistics.median(seconds)
    result = {"step": f"CFDI import, {args.files:,} files", "target_s": 60,
              "median_s": round(median, 2), "runs": [round(x, 2) for x in seconds],
              "files_per_s": round(args.files / median, 1),
              "met": median < 60}
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-cfdi-import.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"| CFDI import ({args.files:,} XML files) | under 60 s | {median:.1f} s "
          f"(n={args.runs}, {result['files_per_s']:,.0f} files/s) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
