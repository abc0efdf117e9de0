"""What finance then sees (docs/cfdi.md): after a refresh, fct_invoice_reconciliation's
cfdi_status shows stamped, not_stamped, cancelled and amounts_differ; a cancelled invoice
leaves ar_aging(as_of) from its cancellation date and its period reconciles as not
invoiced; payment_receipt_on_time_rate counts receipts stamped by the 5th."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from operational_app.cfdi import pac
from operational_app.domain import billing, fields, fiscal
from operational_app.store.engine import dispose_engines, read_session, write_session
from seiton import cli
from tests.cfdi.conftest import CUSTOMER_RFC, SEED, exported, import_folder, stamp_all
from tests.domain.conftest import Builder


def _run(*args: str) -> None:
    assert cli.main(list(args)) == 0, args


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("cfdi-home")
    mp.setenv("SEITON_HOME", str(home))
    for var in ("SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE", "SEITON_DEMO_MODE",
                "SEITON_ISSUER_RFC"):
        mp.delenv(var, raising=False)
    mp.setattr(fields, "today", lambda: date(2026, 6, 30))
    dispose_engines()
    _run("init")
    url = f"sqlite:///{home / 'operational.db'}"
    with write_session(url) as s:
        b = Builder(s)
        b.account(tax_id=CUSTOMER_RFC, fiscal_postal_code="06600", fiscal_regime="601")
        b.active_contract()
        b.device()
        fiscal.set_fiscal_config(s, "admin", issuer_rfc="SIM160301K55",
                                 issuer_name="Seiton", issuer_postal_code="06600")
        # typed by hand (no lines): the export writes one concepto for the subtotal
        for folio, month in ((1, 2), (2, 3), (3, 4), (4, 5)):
            billing.issue_invoice(s, "t", invoice_number=f"F{folio}", contract_number="C1",
                                  period_start=date(2026, month, 1),
                                  issued_on=date(2026, month + 1, 2), subtotal="2500.00",
                                  tax_amount="400.00", total="2900.00", currency="MXN")
    folder = home / "in"
    stamped = {}
    for month in (2, 4, 5):
        stamped |= stamp_all(exported(url, date(2026, month, 1)), folder)
    # F4's stamped CFDI says other amounts than the posted invoice
    changed = stamped["F4.xml"].replace(b'Total="2900.00"', b'Total="2910.00"', 1)
    (folder / "F4.xml").write_bytes(changed)
    with read_session(url) as s:
        config = fiscal.fiscal_config(s)
    receiver = pac.Receiver(CUSTOMER_RFC, "Cliente A1", "06600", "601")
    f1 = pac.stamped_uuid(stamped["F1.xml"])
    for n, (paid_at, balance, paid, stamped_at) in enumerate((
            (datetime(2026, 3, 10, 12), "2900.00", "1000.00", datetime(2026, 4, 3, 9)),
            (datetime(2026, 3, 20, 12), "1900.00", "500.00", datetime(2026, 4, 8, 9))),
            start=1):
        receipt = pac.payment_receipt(config, receiver, paid_at=paid_at, folio=n,
                                      issued_at=stamped_at, invoices=[pac.PaidInvoice(
                                          f1, "MXN", Decimal(balance), Decimal(paid))])
        (folder / f"CP{n}.xml").write_bytes(pac.stamp(receipt, seed=SEED,
                                                      stamped_at=stamped_at))
    f3 = pac.stamped_uuid(stamped["F3.xml"])
    (folder / "metadata.txt").write_bytes(pac.metadata_file(config, [pac.Cancellation(
        f3, CUSTOMER_RFC, "Cliente A1", datetime(2026, 5, 2), datetime(2026, 5, 2, 10),
        Decimal("2900.00"), datetime(2026, 5, 20, 13))]))
    report = import_folder(url, folder)
    assert report.ok, [str(e) for e in report.errors]
    _run("refresh", "--quiet")
    yield home
    dispose_engines()
    mp.undo()


def _q(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_cfdi_status_of_each_period(home: Path) -> None:
    rows = dict((r[0].month, r[1:]) for r in _q(home, """
        select period_start, cfdi_status, status from marts.fct_invoice_reconciliation
        where period_start between '2026-02-01' and '2026-05-01'"""))
    assert rows == {2: ("stamped", "matched"), 3: ("not_stamped", "matched"),
                    4: ("cancelled", "not_invoiced"), 5: ("amounts_differ", "matched")}


def test_a_cancelled_invoice_leaves_the_aging_from_its_cancellation(home: Path) -> None:
    def aged(day: str) -> set[str]:
        return {r[0] for r in _q(home, f"select invoice_number from marts.ar_aging('{day}')")}

    assert "F3" in aged("2026-05-19")
    assert "F3" not in aged("2026-05-20") and "F3" not in aged("2026-06-30")
    assert "F2" in aged("2026-05-20")
    month_end = {r[0] for r in _q(home, """select invoice_number from marts.fct_ar_aging_monthly
                                            where month_end = '2026-05-31'""")}
    assert "F3" not in month_end and "F2" in month_end


def test_payment_receipt_on_time_rate(home: Path) -> None:
    (value, numerator, denominator, status), = _q(home, """
        select value, numerator, denominator, status from marts.kpi_monthly
        where kpi_code = 'payment_receipt_on_time_rate' and month = '2026-03-01'""")
    assert (value, numerator, denominator, status) == (Decimal("50.0000"), 1, 2, "red")
    stage, = _q(home, """select distinct stage_code from marts.kpi_monthly
                         where kpi_code = 'payment_receipt_on_time_rate'""")
    assert stage == ("billing",)
    assert re.match(r"CFDI de pago", _q(home, """
        select detail from marts.fct_kpi_records
        where kpi_code = 'payment_receipt_on_time_rate' order by record_key limit 1""")[0][0])
