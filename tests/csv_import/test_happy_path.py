"""`seiton import DIR` with every file of docs/contract.md: exact rows, exact Decimal amounts,
and a re-import that changes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from operational_app.csv_import.formats import FORMATS, IMPORT_ORDER

from .conftest import HAPPY, run_cli, table_counts

# docs/contract.md, "CSV import formats": names and columns are a contract (* = required).
INTERFACES = {
    "accounts.csv": "*account_code *name tax_id segment region *tax_rate",
    "contracts.csv": "*contract_number *account_code *start_date *end_date *currency "
                     "*payment_terms_days activated_on closed_on",
    "price_plans.csv": "*contract_number *effective_from *fixed_monthly_fee "
                       "*included_mono_pages *included_color_pages *mono_rate *color_rate "
                       "minimum_monthly_charge",
    "price_tiers.csv": "*contract_number *effective_from *meter *from_page *rate",
    "devices.csv": "*serial *contract_number model *installed_on removed_on "
                   "*install_mono_counter *install_color_counter",
    "meter_readings.csv": "*serial *read_on *mono_counter *color_counter source meter_reset",
    "invoices.csv": "*invoice_number *contract_number *period_start *issued_on due_on "
                    "*subtotal *tax_amount *total *currency",
    "credit_notes.csv": "*credit_note_number *invoice_number *issued_on *subtotal "
                        "*tax_amount *total",
    "payments.csv": "*payment_number *account_code *received_on *amount *currency method",
    "payment_applications.csv": "*payment_number *invoice_number *amount",
}

HAPPY_COUNTS = {
    "accounts": 3, "contracts": 3, "closures": 1, "price_plans": 4, "price_tiers": 3,
    "devices": 4, "meter_readings": 7, "invoices": 3, "credit_notes": 1, "payments": 3,
    "payment_applications": 3,
}


@pytest.mark.parametrize("name", sorted(INTERFACES))
def test_interfaces_formats_are_exact(name: str) -> None:
    """Every contract column exists, in the contract's order, with its required flag; added
    columns come after them and are optional (adding is allowed, renaming is not)."""
    fmt = FORMATS[name]
    spec = INTERFACES[name].split()
    columns = [c.lstrip("*") for c in spec]
    assert fmt.names[:len(columns)] == columns
    assert set(fmt.required) == {c.lstrip("*") for c in spec if c.startswith("*")}
    header = (HAPPY / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == columns


def test_happy_folder_holds_every_interfaces_file() -> None:
    assert sorted(p.name for p in HAPPY.iterdir()) == sorted(INTERFACES)


def test_import_order_puts_references_first() -> None:
    position = {name: i for i, name in enumerate(IMPORT_ORDER)}
    by_model = {f.model: f.filename for f in FORMATS.values()}
    for fmt in FORMATS.values():
        for col in fmt.columns:
            if col.ref is not None:
                assert position[by_model[col.ref.model]] < position[fmt.filename], \
                    (fmt.filename, col.name)
    order = [n for n in IMPORT_ORDER if n in INTERFACES]
    assert order == ["accounts.csv", "contracts.csv", "price_plans.csv", "price_tiers.csv",
                     "devices.csv", "meter_readings.csv", "invoices.csv", "credit_notes.csv",
                     "payments.csv", "payment_applications.csv"]


def _check_happy_rows(url: str | None = None) -> None:
    from operational_app.store import models as m
    from operational_app.store.engine import read_session

    with read_session(url) as s:
        accounts = {a.account_code: a for a in s.scalars(select(m.Account))}
        assert sorted(accounts) == ["ACME", "ESCUELA", "FRONT"]
        assert accounts["ACME"].name == "Aceros del Centro SA de CV"
        assert accounts["ESCUELA"].name == "Colegio Juárez, A.C."  # quoted comma, UTF-8
        assert accounts["ESCUELA"].tax_id is None  # empty cell = no value
        assert accounts["FRONT"].tax_id == "MFR990101XY2"  # stored upper-case by the domain
        assert accounts["FRONT"].tax_rate == Decimal("0.08")
        assert accounts["ACME"].tax_rate == Decimal("0.16")
        assert {a.created_by for a in accounts.values()} == {"import"}

        contracts = {c.contract_number: c for c in s.scalars(select(m.Contract))}
        c1, c2, c3 = contracts["C-001"], contracts["C-002"], contracts["C-003"]
        assert (c1.account_id, c1.start_date, c1.end_date, c1.currency, c1.payment_terms_days,
                c1.activated_on, c1.closed_on) == (
            accounts["ACME"].id, date(2025, 1, 1), date(2027, 12, 31), "MXN", 30,
            date(2025, 1, 10), None)
        assert (c2.currency, c2.payment_terms_days, c2.activated_on) == ("USD", 45,
                                                                         date(2025, 2, 1))
        assert (c3.activated_on, c3.closed_on) == (date(2024, 1, 8), date(2025, 3, 31))
        closure = s.scalars(select(m.Closure)).one()
        assert (closure.contract_id, closure.closed_on, closure.reason) == (
            c3.id, date(2025, 3, 31), "imported")

        plans = {(p.contract_id, p.effective_from): p for p in s.scalars(select(m.PricePlan))}
        p1 = plans[(c1.id, date(2025, 1, 1))]
        assert (p1.fixed_monthly_fee, p1.included_mono_pages, p1.included_color_pages,
                p1.mono_rate, p1.color_rate, p1.minimum_monthly_charge) == (
            Decimal("2500.00"), 5000, 1000, Decimal("0.12"), Decimal("1.10"), None)
        p2 = plans[(c1.id, date(2026, 1, 1))]
        assert (p2.fixed_monthly_fee, p2.color_rate, p2.minimum_monthly_charge) == (
            Decimal("2600.00"), Decimal("1.05"), Decimal("3000.00"))
        assert plans[(c2.id, date(2025, 2, 1))].mono_rate == Decimal("0.009")
        assert isinstance(p1.fixed_monthly_fee, Decimal)

        tiers = sorted((t.price_plan_id, t.meter, t.from_page, t.rate)
                       for t in s.scalars(select(m.PriceTier)))
        assert tiers == [(p1.id, "color", 0, Decimal("1.10")), (p1.id, "mono", 0, Decimal("0.12")),
                         (p1.id, "mono", 10000, Decimal("0.09"))]

        devices = {d.serial: d for d in s.scalars(select(m.Device))}
        assert (devices["SN-A1"].contract_id, devices["SN-A1"].install_mono_counter,
                devices["SN-A1"].install_color_counter, devices["SN-A1"].removed_on) == (
            c1.id, 40000, 8000, None)
        assert devices["SN-A2"].removed_on == date(2025, 6, 30)
        assert devices["SN-E1"].model is None

        reads = sorted((r.device_id, r.read_on, r.meter_reset, r.mono_counter, r.color_counter,
                        r.source) for r in s.scalars(select(m.MeterReading)))
        a1, a2 = devices["SN-A1"].id, devices["SN-A2"].id
        assert [r for r in reads if r[0] == a1] == [
            (a1, date(2025, 1, 31), False, 47300, 8950, "agent"),
            (a1, date(2025, 2, 28), False, 52000, 9500, "agent"),  # empty source = agent
        ]
        assert [r for r in reads if r[0] == a2] == [
            (a2, date(2025, 1, 31), False, 3200, 0, "manual"),
            (a2, date(2025, 3, 31), False, 5100, 0, "agent"),
            (a2, date(2025, 3, 31), True, 100, 0, "agent"),  # the new meter's start
        ]

        invoices = {i.invoice_number: i for i in s.scalars(select(m.Invoice))}
        f1 = invoices["F-1001"]
        assert (f1.contract_id, f1.period_start, f1.issued_on, f1.due_on, f1.subtotal,
                f1.tax_amount, f1.total, f1.currency) == (
            c1.id, date(2025, 1, 1), date(2025, 2, 3), None, Decimal("2776.00"),
            Decimal("444.16"), Decimal("3220.16"), "MXN")
        assert invoices["F-1002"].due_on == date(2025, 4, 2)
        assert (invoices["F-2001"].total, invoices["F-2001"].currency) == (Decimal("175.50"),
                                                                          "USD")

        note = s.scalars(select(m.CreditNote)).one()
        assert (note.credit_note_number, note.invoice_id, note.subtotal, note.tax_amount,
                note.total) == ("NC-01", f1.id, Decimal("100.00"), Decimal("16.00"),
                                Decimal("116.00"))

        payments = {p.payment_number: p for p in s.scalars(select(m.Payment))}
        assert (payments["P-01"].amount, payments["P-01"].method) == (Decimal("3104.16"),
                                                                      "transferencia")
        assert payments["P-02"].method is None
        apps = sorted((a.payment_id, a.invoice_id, a.amount, a.applied_on)
                      for a in s.scalars(select(m.PaymentApplication)))
        assert apps == sorted([
            (payments["P-01"].id, f1.id, Decimal("3104.16"), date(2025, 3, 1)),
            (payments["P-02"].id, invoices["F-1002"].id, Decimal("1000.00"), date(2025, 4, 1)),
            (payments["P-03"].id, invoices["F-2001"].id, Decimal("175.50"), date(2025, 4, 3)),
        ])

        audit = list(s.scalars(select(m.AuditLog)))
        assert {a.username for a in audit} == {"import"}
        assert {a.action for a in audit} == {"create"}


def test_happy_folder_via_cli_then_reimport_changes_nothing(
    seiton_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("init") == 0
    capsys.readouterr()
    assert run_cli("import", str(HAPPY)) == 0
    out = capsys.readouterr().out
    assert "accounts.csv: imported — 3 inserted, 0 updated, 0 unchanged" in out
    assert "meter_readings.csv: imported — 7 inserted" in out
    assert "10 file(s): 34 rows inserted, 0 updated, 0 unchanged" in out
    counts = table_counts()
    for name, n in HAPPY_COUNTS.items():
        assert counts[name] == n, name
    assert counts["audit_log"] == sum(HAPPY_COUNTS.values())  # one audited create per row
    _check_happy_rows()

    assert run_cli("import", str(HAPPY)) == 0
    out = capsys.readouterr().out
    assert "10 file(s): 0 rows inserted, 0 updated, 34 unchanged" in out
    assert "accounts.csv: imported — 0 inserted, 0 updated, 3 unchanged" in out
    assert table_counts() == counts  # audit_log too: an unchanged row writes nothing
    _check_happy_rows()


def test_import_dir_report(empty_home: Path) -> None:
    from operational_app.csv_import import import_dir

    report = import_dir(HAPPY, actor="ana.garcia")
    assert report.ok and report.errors == [] and report.committed
    assert [f.file for f in report.files] == [n for n in IMPORT_ORDER if n in INTERFACES]
    assert report.file("devices.csv").inserted == 4
    assert all(f.status == "imported" for f in report.files)
    again = import_dir(HAPPY, actor="ana.garcia")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 34)
    assert {f.file: f.unchanged for f in again.files} == {
        "accounts.csv": 3, "contracts.csv": 3, "price_plans.csv": 4, "price_tiers.csv": 3,
        "devices.csv": 4, "meter_readings.csv": 7, "invoices.csv": 3, "credit_notes.csv": 1,
        "payments.csv": 3, "payment_applications.csv": 3}


def test_happy_folder_on_postgresql(
    seiton_home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from operational_app.store.engine import dispose_engines

    monkeypatch.setenv("SEITON_OPERATIONAL_URL", pg_url)
    dispose_engines()
    assert run_cli("init") == 0
    assert run_cli("import", str(HAPPY)) == 0
    assert "10 file(s): 34 rows inserted" in capsys.readouterr().out
    counts = table_counts(pg_url)
    for name, n in HAPPY_COUNTS.items():
        assert counts[name] == n, name
    _check_happy_rows(pg_url)
    assert run_cli("import", str(HAPPY)) == 0
    assert "10 file(s): 0 rows inserted, 0 updated, 34 unchanged" in capsys.readouterr().out
    assert table_counts(pg_url) == counts

    # a refused file on PostgreSQL: every row's error, nothing written (savepoints per row)
    from operational_app.csv_import import import_dir

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "payment_applications.csv").write_text(
        "payment_number,invoice_number,amount\nP-02,F-1002,400.00\nP-02,F-1001,50.00\n"
        "P-01,F-9999,1.00\n", encoding="utf-8")
    report = import_dir(bad)
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "amount"), (3, "amount"), (4, "invoice_number")]
    assert table_counts(pg_url) == counts


@pytest.mark.parametrize("name", IMPORT_ORDER)
def test_formats_match_the_domain_signatures(name: str) -> None:
    """Every column a format passes is a keyword of its domain function (the domain API
    is the contract the importer writes through)."""
    import inspect

    from operational_app.domain import formalization

    fmt = FORMATS[name]
    targets = [getattr(fmt.create, "domain", None)]
    if targets[0] is None:  # formalization_steps.csv dispatches to two functions
        targets = [formalization.decide_formalization_step, formalization.activate_contract]
    accepted = set().union(*(inspect.signature(t).parameters for t in targets))
    for col in fmt.columns:
        if col.kwarg is not None and name != "formalization_steps.csv":
            assert col.kwarg in accepted, (name, col.name)
    for step in fmt.steps:
        params = inspect.signature(step.call).parameters
        assert set(step.args) <= set(params), (name, step.trigger)
        assert all(c in fmt.names for c in step.args.values())
