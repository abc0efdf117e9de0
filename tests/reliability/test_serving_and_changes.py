"""Scenarios: serving while refreshing, and changed and late data (docs/quality-targets.md,
reliability 3 and 6; docs/reliability.md).

One run, three refreshes, each after a round of writes through the domain layer, while
reader processes query the published warehouse without pause — the dashboards' way
(short-lived sandboxed connections) and the SQL console's (`run_query`, a child process per
query). The tests below check what the readers saw and what each refresh published:

round 1: a ticket opened (to be resolved later), a ticket opened by mistake, a payment
         entered late (dated before the last business day), a meter reading, a new account;
round 2: the ticket resolved, the mistaken ticket withdrawn, the payment applied in part,
         the meter reading withdrawn;
round 3: new rows only (readings dated later, so the business "today" moves on).
Rounds 1–2 keep every business date within the demo's history, so the marts' as-of date
does not move and rows not touched must stay exactly as they were.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from operational_app.domain import billing, operation, sales
from operational_app.store.engine import dispose_engines, write_session
from tests.reliability import data
from tests.reliability.conftest import copy_home, count, published, seiton, sqlite_url
from tests.reliability.probe import Probes

pytestmark = [pytest.mark.e2e, pytest.mark.stress]

REFRESHES = count(3, 6)
AS_OF = date(2026, 10, 31)  # the tiny demo's last business day (DEMO_UNTIL)
LATE_NAME = "Cuenta tardía & «Hermanos» <2 sucursales>"


@dataclass
class Run:
    home: Path
    url: str
    snapshots: list[dict] = field(default_factory=list)  # after each refresh (0 = before)
    refresh_s: list[float] = field(default_factory=list)
    probes: Probes | None = None
    keys: dict = field(default_factory=dict)


def snapshot(home: Path, keys: dict) -> dict:
    """What the tests compare, read from the published warehouse."""
    with duckdb.connect(str(published(home)), read_only=True) as con:
        def rows(sql: str, params: list | None = None) -> list[tuple]:
            return sorted(con.execute(sql, params or []).fetchall(), key=repr)

        snap = {
            "published_at": con.execute("select published_at from meta.publish_info").fetchone()[0],
            "tickets": rows("select * from marts.fct_tickets"),
            "ticket_cols": [d[0] for d in con.execute("select * from marts.fct_tickets limit 0")
                            .description],
            "unapplied": dict(con.execute(
                "select payment_number, unapplied_amount from marts.fct_unapplied_payments"
            ).fetchall()),
            "accounts": dict(con.execute(
                "select account_code, account_name from marts.dim_account").fetchall()),
            "as_of": con.execute("select max(as_of_date) from marts.fct_unapplied_payments")
            .fetchone()[0],
        }
        if "device" in keys:
            snap["device_usage"] = rows("select * from marts.fct_device_usage where serial = ?",
                                        [keys["device"]])
        if "invoice" in keys:
            snap["invoice_open"] = con.execute(
                "select sum(open_amount) from marts.ar_aging(?) where invoice_number = ?",
                [AS_OF, keys["invoice"]]).fetchone()[0]
        if "late_readings" in keys:
            snap["closing_reads"] = dict(con.execute(
                "select serial, max(closing_read_on) from marts.fct_device_usage "
                "where list_contains(?, serial) group by serial",
                [[r.serial for r in keys["late_readings"]]]).fetchall())
    return snap


def device_before_as_of(url: str) -> data.Reading:
    """A device whose latest reading is before AS_OF, so one more fits in the history."""
    for serial in data.readable_devices(url):
        last = data.latest_reading(url, serial)
        if last is not None and last.read_on < AS_OF:
            return last
    raise AssertionError("no device read before the last business day")


def round_1(run: Run) -> None:
    url = run.url
    contract, _ = data.active_contract(url)
    opened = datetime.combine(AS_OF, datetime.min.time()).replace(hour=9)
    data.open_ticket(url, "REL-LATE-1", contract, opened, description="resuelto después")
    data.open_ticket(url, "REL-WD-1", contract, opened.replace(hour=10),
                     description="abierto por error")
    invoice, account, open_amount = data.open_invoice(url)
    amount = min(open_amount, Decimal("1000.00"))
    with write_session(url) as s:
        billing.record_payment(s, data.ACTOR, payment_number="REL-PAY-1", account_code=account,
                               received_on=AS_OF.replace(day=AS_OF.day - 1), amount=amount,
                               currency="MXN", method="transferencia")
        sales.create_account(s, data.ACTOR, account_code="REL-ACC-1",
                             name=LATE_NAME, tax_rate="0.16")
    last = device_before_as_of(url)
    reading = data.add_reading(url, last.serial, days=1)
    run.keys.update(contract=contract, invoice=invoice, account=account, amount=amount,
                    device=last.serial, reading=reading, opened=opened)


def round_2(run: Run) -> None:
    url, k = run.url, run.keys
    applied = (k["amount"] * Decimal("0.4")).quantize(Decimal("0.01"))
    with write_session(url) as s:
        operation.resolve_ticket(s, data.ACTOR, ticket_number="REL-LATE-1",
                                 resolved_at=k["opened"].replace(hour=15), first_time_fix=True)
        operation.withdraw_ticket(s, data.ACTOR, ticket_number="REL-WD-1")
        billing.apply_payment(s, data.ACTOR, payment_number="REL-PAY-1",
                              invoice_number=k["invoice"], amount=applied)
        billing.withdraw_meter_reading(s, data.ACTOR, serial=k["device"],
                                       read_on=k["reading"].read_on)
    k["applied"] = applied


def round_n(run: Run, n: int) -> None:
    url = run.url
    with write_session(url) as s:
        sales.create_account(s, data.ACTOR, account_code=f"REL-ACC-{n}",
                             name=f"Cuenta nueva {n}", tax_rate="0.08")
    serials = data.readable_devices(url)
    day = AS_OF + timedelta(days=n - 2)  # after the demo's history: the business day moves
    late = [data.try_add_reading(url, serials, start=7 * n + j, on=day) for j in range(3)]
    run.keys.setdefault("late_readings", []).extend(late)


@pytest.fixture(scope="module")
def scenario(tiny_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    home = copy_home(tiny_home, tmp_path_factory.mktemp("serving") / "home")
    run = Run(home=home, url=sqlite_url(home))
    dispose_engines()
    rounds = [round_1, round_2] + [lambda r, n=n: round_n(r, n) for n in range(3, REFRESHES + 1)]
    with Probes(published(home), modes=("direct", "console")) as probes:
        run.snapshots.append(snapshot(home, run.keys))
        for i, write_round in enumerate(rounds):
            write_round(run)
            if i == 0:  # the baseline of the touched device/invoice, before any refresh
                run.snapshots[0] = snapshot(home, run.keys)
            t = time.perf_counter()
            seiton(home, "refresh", "--quiet")
            run.refresh_s.append(time.perf_counter() - t)
            run.snapshots.append(snapshot(home, run.keys))
        time.sleep(0.5)
        probes.stop()
    run.probes = probes
    dispose_engines()
    return run


def test_readers_see_only_complete_builds_through_three_refreshes(scenario: Run, figures) -> None:
    p = scenario.probes
    by_mode = {r["mode"]: r for r in p.results}
    figures(refreshes=len(scenario.refresh_s), refresh_s=[round(s, 1) for s in scenario.refresh_s],
            reads=p.reads, reads_direct=by_mode["direct"]["reads"],
            reads_console=by_mode["console"]["reads"], errors=p.error_count,
            versions_seen=len(p.versions),
            slowest_read_s=max(r["slowest_s"] for r in p.results))
    assert p.error_count == 0, p.errors
    assert by_mode["direct"]["reads"] >= 10 * len(scenario.refresh_s)
    assert by_mode["console"]["reads"] >= len(scenario.refresh_s)
    # every publish was served: the fixture's and each refresh's
    assert len(p.versions) == len(scenario.refresh_s) + 1, sorted(p.versions)
    assert len({s["published_at"] for s in scenario.snapshots}) == len(scenario.snapshots)


def _ticket(snap: dict, number: str) -> dict | None:
    cols = snap["ticket_cols"]
    for row in snap["tickets"]:
        rec = dict(zip(cols, row, strict=True))
        if rec["ticket_number"] == number:
            return rec
    return None


def test_a_ticket_resolved_later_shows_resolved(scenario: Run) -> None:
    before, after = scenario.snapshots[1], scenario.snapshots[2]
    assert _ticket(before, "REL-LATE-1")["resolved_at"] is None
    resolved = _ticket(after, "REL-LATE-1")
    assert resolved["resolved_at"] == scenario.keys["opened"].replace(hour=15)
    assert resolved["first_time_fix"] is True


def test_a_withdrawn_ticket_disappears(scenario: Run) -> None:
    assert _ticket(scenario.snapshots[1], "REL-WD-1") is not None
    assert _ticket(scenario.snapshots[2], "REL-WD-1") is None


def test_no_other_ticket_changed(scenario: Run) -> None:
    base, after = scenario.snapshots[0], scenario.snapshots[2]
    cols = base["ticket_cols"]
    mine = {"REL-LATE-1", "REL-WD-1"}
    untouched = [r for r in after["tickets"] if dict(zip(cols, r, strict=True))["ticket_number"]
                 not in mine]
    assert scenario.snapshots[2]["as_of"] == base["as_of"] == AS_OF
    assert untouched == base["tickets"]


def test_a_late_payment_then_its_application_reach_the_marts(scenario: Run) -> None:
    k = scenario.keys
    base, first, second = scenario.snapshots[0], scenario.snapshots[1], scenario.snapshots[2]
    assert "REL-PAY-1" not in base["unapplied"]
    assert first["unapplied"]["REL-PAY-1"] == k["amount"]
    assert second["unapplied"]["REL-PAY-1"] == k["amount"] - k["applied"]
    # the invoice's open amount went down by exactly the applied amount
    assert first["invoice_open"] == base["invoice_open"]
    assert second["invoice_open"] == first["invoice_open"] - k["applied"]
    others = {p: a for p, a in second["unapplied"].items() if p != "REL-PAY-1"}
    assert others == base["unapplied"]


def test_a_withdrawn_meter_reading_leaves_no_trace(scenario: Run) -> None:
    k = scenario.keys
    base, first, second = scenario.snapshots[0], scenario.snapshots[1], scenario.snapshots[2]
    assert first["device_usage"] != base["device_usage"]  # the reading counted …
    assert second["device_usage"] == base["device_usage"]  # … and is gone without a trace
    assert k["reading"].read_on <= AS_OF


def test_new_rows_of_every_round_are_published(scenario: Run) -> None:
    last = scenario.snapshots[-1]
    assert last["accounts"]["REL-ACC-1"] == LATE_NAME
    for n in range(3, REFRESHES + 1):
        assert f"REL-ACC-{n}" in last["accounts"]
    for reading in scenario.keys["late_readings"]:
        assert last["closing_reads"][reading.serial] >= reading.read_on
    assert last["as_of"] > AS_OF  # round 3 moved the business day on


def test_manifest_matches_the_final_publish(scenario: Run) -> None:
    from seiton.warehouse.checksums import relation_checksums

    with duckdb.connect(str(published(scenario.home)), read_only=True) as con:
        manifest = json.loads(con.execute("select details from meta.publish_info").fetchone()[0])
    sums = relation_checksums(published(scenario.home))
    assert {f"marts.{k}": v[0] for k, v in sums.items()} == manifest["relations"]
