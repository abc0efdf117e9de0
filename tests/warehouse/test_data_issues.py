"""A gap in the reference data never stops the warehouse; a broken identity still does
(docs/data-issues.md).

On a copy of the tiny demo: a USD contract (with a USD invoice) that starts before the first
USD exchange rate, and a contract with no price plan at all. The refresh publishes; the
records are listed in marts.fct_data_issues and by `seiton doctor`; their MXN figures are
null, not guessed. Then an invoice whose total is not subtotal + tax, written past the
domain layer as a corrupt store would hold it: the refresh fails and the published
warehouse stays the one before.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from operational_app.domain import billing, formalization, sales
from operational_app.store.engine import dispose_engines, write_session
from tests.reliability.conftest import copy_home, seiton, sqlite_url

pytestmark = [pytest.mark.e2e]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _first_usd_rate(home: Path) -> date:
    with sqlite3.connect(home / "operational.db") as con:
        (first,) = con.execute("select min(rate_date) from fx_rates where currency = 'USD'"
                               ).fetchone()
    return date.fromisoformat(first)


def _published(home: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def gapped(tiny_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    home = copy_home(tiny_home, tmp_path_factory.mktemp("data-issues") / "home")
    url = sqlite_url(home)
    first_rate = _first_usd_rate(home)
    start = _month_start(_month_start(first_rate) - timedelta(days=40))  # two months before
    with write_session(url) as s:
        sales.create_account(s, "t", account_code="GAP-1", name="Gaps S.A.", tax_rate="0.16")
        formalization.create_contract(
            s, "t", contract_number="GAP-USD", account_code="GAP-1", start_date=start,
            end_date=start.replace(year=start.year + 1), currency="USD",
            payment_terms_days=30, activated_on=start)
        formalization.add_price_plan(
            s, "t", contract_number="GAP-USD", effective_from=start, fixed_monthly_fee="100.00",
            included_mono_pages=0, included_color_pages=0, mono_rate="0.10", color_rate="0.50")
        formalization.create_contract(
            s, "t", contract_number="GAP-NOPLAN", account_code="GAP-1", start_date=start,
            end_date=start.replace(year=start.year + 1), currency="MXN",
            payment_terms_days=30, activated_on=start)
    with write_session(url) as s:
        billing.issue_invoice(
            s, "t", invoice_number="GAP-INV-1", contract_number="GAP-USD", period_start=start,
            issued_on=start + timedelta(days=27), subtotal="100.00", tax_amount="16.00",
            total="116.00", currency="USD")
    dispose_engines()
    seiton(home, "refresh", "--quiet")  # raises when the refresh fails
    return home, first_rate


def test_the_refresh_publishes_around_the_gaps(gapped) -> None:
    home, _ = gapped
    assert _published(home, "select count(*) from marts.dim_account where account_code = ?",
                      "GAP-1") == [(1,)]


def test_each_gap_is_listed_with_its_record(gapped) -> None:
    home, first_rate = gapped
    rows = _published(home, "select issue_type, record_type, record_key, currency, last_on "
                            "from marts.fct_data_issues order by all")
    keys = {(r[0], r[1], r[2]) for r in rows}
    assert keys == {("missing_fx_rate", "invoice", "GAP-INV-1"),
                    ("missing_fx_rate", "contract", "GAP-USD"),
                    ("missing_fx_rate", "charge", "GAP-USD"),
                    ("missing_plan", "contract", "GAP-NOPLAN")}
    # the gap ends where the first rate begins: nothing on or after it is listed
    assert all(r[4] < first_rate for r in rows if r[0] == "missing_fx_rate")


def test_mxn_figures_are_unknown_before_the_first_rate_and_exact_after(gapped) -> None:
    home, first_rate = gapped
    mrr = _published(home, "select month, mrr_mxn, unconverted_contract_count "
                           "from marts.fct_account_mrr where account_code = 'GAP-1' "
                           "order by month")
    before = [r for r in mrr if r[0] < _month_start(first_rate)]
    after = [r for r in mrr if r[0] > first_rate]
    assert before and all(r[1] is None and r[2] == 1 for r in before)
    assert after and all(r[2] == 0 for r in after)
    month, mrr_mxn, _ = after[0]
    ((measured_on,),) = _published(home, "select measured_on from marts.fct_account_mrr "
                                         "where account_code = 'GAP-1' and month = ?", month)
    with sqlite3.connect(home / "operational.db") as con:
        (rate,) = con.execute("select mxn_per_unit from fx_rates where currency = 'USD' and "
                              "rate_date <= ? order by rate_date desc limit 1",
                              [measured_on.isoformat()]).fetchone()
    assert mrr_mxn == (Decimal("100.00") * Decimal(str(rate))).quantize(Decimal("0.01"),
                                                                        ROUND_HALF_UP)
    charges = _published(home, "select subtotal, total_mxn from marts.fct_billing_charges "
                               "where contract_number = 'GAP-USD' and period_start = ?",
                         _month_start(first_rate) - timedelta(days=1))
    assert charges == [] or charges[0][1] is None


def test_doctor_names_the_gaps_as_a_warning(gapped) -> None:
    home, _ = gapped
    done = seiton(home, "doctor", check=False)
    line = next(x for x in done.stdout.splitlines() if "data issues" in x)
    assert line.startswith("warn")
    assert "3 missing_fx_rate" in line and "1 missing_plan" in line, line


def test_a_broken_identity_still_fails_the_build(gapped, tmp_path: Path) -> None:
    home = copy_home(gapped[0], tmp_path / "home")
    with sqlite3.connect(home / "operational.db") as con:
        columns = [r[1] for r in con.execute("pragma table_info(invoices)")]
        row = dict(zip(columns, con.execute(
            "select * from invoices where currency = 'MXN' order by id limit 1").fetchone(),
            strict=True))
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        row.update(id=None, invoice_number="BROKEN-1", total=str(Decimal(row["total"]) + 1),
                   folio=None, series=None, created_at=now, updated_at=now)
        con.execute(f"insert into invoices ({', '.join(row)}) "  # noqa: S608 - our own names
                    f"values ({', '.join('?' * len(row))})", list(row.values()))
    done = seiton(home, "refresh", "--quiet", check=False)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "the published warehouse is unchanged" in said
    assert "expression_is_true_fct_ar_documents_total_subtotal_tax_amount" in said, said[-2000:]
    assert _published(home, "select count(*) from marts.fct_ar_documents "
                            "where invoice_number = 'BROKEN-1'") == [(0,)]


def test_the_pages_the_gaps_affect_say_so(gapped, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.finance.conftest import open_page

    home, _ = gapped
    monkeypatch.setenv("SEITON_HOME", str(home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    at = open_page("cobranza")
    warnings = [w.value for w in at.warning]
    notice = next((w for w in warnings if "Faltan datos de referencia" in w), None)
    # the invoice has no exchange rate (the payment-side marts have no gap)
    assert notice is not None and "1 registro(s)" in notice and "sin tipo de cambio" in notice, \
        warnings
    at = open_page("conciliacion")
    notice = next(w.value for w in at.warning if "Faltan datos de referencia" in w.value)
    assert "2 registro(s)" in notice and "contrato sin plan de precios" in notice, notice
