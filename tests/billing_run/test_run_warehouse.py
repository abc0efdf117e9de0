"""The billing run on a refreshed warehouse (the tiny demo, invoiced by the run): posted
lines equal the warehouse's charge lines to the cent, a changed reading after posting is
adjusted and the period then reconciles `matched`, a refused or killed run writes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from seiton.config import PROJECT_ROOT
from tests.billing_run.conftest import run_cli, sql, table_counts

OCT = "2026-10"


def mart(home: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def url_of(home: Path) -> str:
    return f"sqlite:///{home / 'operational.db'}"


def test_the_demo_was_invoiced_by_the_run(billed_home: Path) -> None:
    url = url_of(billed_home)
    origins = dict(sql(url, "select origin, count(*) from invoices group by origin"))
    assert origins["billing_run"] >= 40
    assert sql(url, "select count(*) from invoice_drafts where status = 'posted'")[0][0] == \
        origins["billing_run"]
    # every run invoice's lines add up to it (summed as Decimal: SQLite stores text)
    sums: dict[str, list[Decimal]] = {}
    heads = {}
    for number, sub, tax, amount, line_tax in sql(url, """select i.invoice_number, i.subtotal,
            i.tax_amount, l.amount, l.tax_amount from invoices i join invoice_lines l
            on l.invoice_id = i.id where i.origin = 'billing_run'"""):
        heads[number] = (Decimal(sub), Decimal(tax))
        acc = sums.setdefault(number, [Decimal(0), Decimal(0)])
        acc[0] += Decimal(amount)
        acc[1] += Decimal(line_tax)
    assert len(sums) == origins["billing_run"]
    assert [n for n in sums if tuple(sums[n]) != heads[n]] == []


def test_posted_lines_equal_the_warehouse_charge_lines_to_the_cent(home: Path) -> None:
    run_cli("bill", OCT, "--post", "--no-refresh", "--issue-date", "2026-11-04", "--quiet")
    url = url_of(home)
    posted = sql(url, """select c.contract_number, l.line_number, l.kind, l.meter,
                 l.tier_from_page, l.quantity, l.unit_price, l.amount, i.subtotal,
                 i.tax_amount, i.total from invoices i join contracts c on c.id = i.contract_id
                 join invoice_lines l on l.invoice_id = i.id
                 where i.period_start = '2026-10-01' and i.origin = 'billing_run'
                 order by 1, 2""")
    lines = mart(home, """select l.contract_number, l.line_number, l.kind, l.meter,
                 l.tier_from_page, l.quantity, l.unit_price, l.amount, c.subtotal,
                 c.tax_amount, c.total from marts.fct_billing_charge_lines l
                 join marts.fct_billing_charges c using (contract_number, period_start)
                 where l.period_start = date '2026-10-01' and c.subtotal > 0
                 order by 1, 2""")
    assert len(posted) == len(lines) > 5
    for got, want in zip(posted, lines, strict=True):
        got = (*got[:5], *(Decimal(str(v)) for v in got[5:]))
        assert got == tuple(want), (got, want)


def _overage_device(home: Path) -> tuple[str, str]:
    """A contract with a mono overage line in October and one of its devices."""
    [(number,)] = mart(home, """select contract_number from marts.fct_billing_charge_lines
        where period_start = date '2026-10-01' and kind = 'overage' and meter = 'mono'
        order by contract_number limit 1""")
    [(serial,)] = mart(home, """select serial from marts.fct_device_usage
        where contract_number = ? and period_start = date '2026-10-01' and not is_estimated
        order by mono_pages desc limit 1""", [number])
    return number, serial


def test_a_reading_after_posting_is_adjusted_and_then_matches(home: Path) -> None:
    run_cli("bill", OCT, "--post", "--no-refresh", "--issue-date", "2026-11-04", "--quiet")
    number, serial = _overage_device(home)
    url = url_of(home)
    [(last_on, mono, color)] = sql(url, """select r.read_on, r.mono_counter, r.color_counter
        from meter_readings r join devices d on d.id = r.device_id where d.serial = :s
        and r.deleted_at is null order by r.read_on desc limit 1""", s=serial)
    from operational_app.domain import billing
    from operational_app.store.engine import write_session

    # the technician's read on the last day counts 900 more pages than the agent's last
    day = "2026-10-31" if str(last_on) < "2026-10-31" else None
    with write_session() as s:
        if day:
            billing.record_meter_reading(s, "operacion", serial=serial, read_on=day,
                                         mono_counter=mono + 900, color_counter=color,
                                         source="manual", review=False)
        else:  # the last read is on the 31st: withdraw it, the period closes lower
            billing.withdraw_meter_reading(s, "operacion", serial=serial, read_on=last_on)
    before = mart(home, "select subtotal from marts.fct_billing_charges where "
                        "contract_number = ? and period_start = date '2026-10-01'", [number])
    run_cli("bill", OCT, "--post", "--issue-date", "2026-11-20", "--quiet")  # refreshes first
    after = mart(home, "select subtotal from marts.fct_billing_charges where "
                       "contract_number = ? and period_start = date '2026-10-01'", [number])
    assert after != before
    docs = sql(url, """select 'invoice', i.subtotal from invoices i join contracts c
        on c.id = i.contract_id where c.contract_number = :n and i.adjusts_invoice_id is not null
        union all select 'credit', n.subtotal from credit_notes n join invoices i
        on i.id = n.invoice_id join contracts c on c.id = i.contract_id
        where c.contract_number = :n and n.origin = 'billing_run'""", n=number)
    diff = after[0][0] - before[0][0]
    assert [(kind, Decimal(v)) for kind, v in docs] == [
        ("invoice" if diff > 0 else "credit", abs(diff))]
    run_cli("refresh", "--quiet")
    [(status, difference)] = mart(home, """select status, difference from
        marts.fct_invoice_reconciliation where contract_number = ?
        and period_start = date '2026-10-01'""", [number])
    assert (status, difference) == ("matched", Decimal("0.00"))


def test_a_failed_last_refresh_refuses_and_writes_nothing(home: Path) -> None:
    status_file = home / "refresh_status.json"
    status = json.loads(status_file.read_text())
    status.update(last_error="dbt build failed (exit 1)", last_failure_at="2026-12-03T10:00:00")
    status_file.write_text(json.dumps(status))
    before = table_counts(url_of(home))
    from seiton.cli import main

    assert main(["bill", OCT, "--post", "--no-refresh", "--quiet"]) == 1
    assert table_counts(url_of(home)) == before


def test_dry_run_prints_amounts_and_writes_nothing(home: Path, capsys) -> None:
    before = table_counts(url_of(home))
    run_cli("bill", OCT, "--post", "--dry-run", "--no-refresh", "--quiet")
    out = capsys.readouterr().out
    assert "would be posted invoice F" in out and "(dry run, nothing written)" in out
    [(total,)] = mart(home, "select min(total) from marts.fct_billing_charges "
                            "where period_start = date '2026-10-01' and subtotal > 0")
    assert f"= {total} " in out
    assert table_counts(url_of(home)) == before


def test_a_run_killed_midway_leaves_nothing(home: Path) -> None:
    url = url_of(home)
    before = table_counts(url)
    env = dict(os.environ, SEITON_BILL_PAUSE_AFTER_POST="2")
    proc = subprocess.Popen([sys.executable, "-m", "seiton.cli", "bill", OCT, "--post",
                             "--no-refresh", "--quiet", "--issue-date", "2026-11-04"],
                            cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith("posted "):
            seen.append(line)
            if len(seen) == 2:  # two documents posted, the rest still to come
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(seen) == 2
    assert table_counts(url) == before  # the whole run or nothing
    # and the next run posts everything, from folio where the series stood
    run_cli("bill", OCT, "--post", "--no-refresh", "--quiet", "--issue-date", "2026-11-04")
    folios = [f for (f,) in sql(url, "select folio from invoices where series = 'F' "
                                     "order by folio")]
    assert folios == list(range(1, len(folios) + 1))


def test_the_runner_must_be_finance_or_admin(home: Path) -> None:
    from seiton.cli import main

    before = table_counts(url_of(home))
    assert main(["bill", OCT, "--post", "--no-refresh", "--quiet", "--user", "operacion"]) == 1
    assert table_counts(url_of(home)) == before


def test_the_posted_lines_pass_the_cfdi_exports_checks(home: Path) -> None:
    from sqlalchemy import select

    from operational_app.cfdi import build
    from operational_app.store.engine import read_session
    from operational_app.store.models import Invoice, InvoiceDraft, InvoiceLine

    run_cli("bill", OCT, "--post", "--no-refresh", "--quiet", "--issue-date", "2026-11-04")
    checked = 0
    with read_session() as s:
        for inv, rate in s.execute(select(Invoice, InvoiceDraft.tax_rate).join(
                InvoiceDraft, InvoiceDraft.posted_invoice_id == Invoice.id).where(
                Invoice.period_start == date(2026, 10, 1))):
            rows = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)))
            lines = build._stored_lines(rows)  # noqa: SLF001 - what the export writes
            for line in lines:  # Importe within Cantidad × ValorUnitario, tax floor or ceiling
                build.check_importe(line)
                build.check_line_tax(line, rate)
            assert sum(ln.amount for ln in lines) == inv.subtotal
            assert sum(ln.tax_amount for ln in lines) == inv.tax_amount
            checked += 1
    assert checked >= 5
