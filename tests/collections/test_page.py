"""The collections page (dashboards/pages/collections.py) driven through the real app
(seiton/webapp/main.py) with AppTest, on the tiny published warehouse of conftest.py.

AppTest cannot see charts or downloads (docs/stack.md); what it can see is checked here:
metrics, tables, the drill-down, the URL and the role check. The export helpers are
checked directly on the bytes they produce.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import PROJECT_ROOT

pytestmark = [pytest.mark.e2e]

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"
PAGE = "cobranza"

if str(PROJECT_ROOT) not in sys.path:  # the pages import `dashboards` (as `seiton serve` does)
    sys.path.insert(0, str(PROJECT_ROOT))


@pytest.fixture
def home(ar_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEITON_HOME", str(ar_home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    return ar_home


def open_page(role: str, **params: str) -> AppTest:
    """The app signed in with `role`, on the collections page, with these URL parameters."""
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser(role, role.title(), role, None)
    at.session_state["last_seen"] = time.time()
    at.query_params.update(params)
    at._page_hash = calc_hash(PAGE)  # noqa: SLF001 - a browser request for /cobranza
    at.run()
    at._page_hash = ""  # noqa: SLF001
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if frame.value.columns[0] == first_column:
            return frame.value
    raise AssertionError(f"no table starting with {first_column!r}")


def test_totals_and_buckets_as_of_the_date_in_the_url(home: Path) -> None:
    at = open_page("finance", as_of="2026-03-01")
    assert at.title[0].value == "Cartera y cobranza"
    assert metrics(at) == {
        "Cartera abierta (MXN)": "$23,366.00",
        "Vencida (MXN)": "$20,060.00",
        "Vencida > 60 días": "14.89 %",
        "Saldos a favor (MXN)": "$600.00",
    }
    buckets = table(at, "Antigüedad")
    assert buckets["Antigüedad"].tolist() == ["Al corriente", "1-30 días", "31-60 días",
                                              "61-90 días", "91-120 días", "Más de 120 días"]
    assert buckets["Facturas"].tolist() == [2, 4, 1, 0, 0, 1]
    assert buckets["Saldo (MXN)"].tolist() == [3306.00, 16400.00, 180.00, 0.0, 0.0, 3480.00]
    unapplied = table(at, "Pago")
    assert unapplied["Pago"].tolist() == ["P-SPLIT", "P-CREDIT"]
    trend = table(at, "Cierre de mes")
    assert len(trend) == 5 and trend["DSO (días)"].iloc[-1] == pytest.approx(93.89)
    assert at.query_params == {"as_of": "2026-03-01"}


def test_drill_down_bucket_account_invoice_lands_in_the_url(home: Path) -> None:
    at = open_page("finance", as_of="2026-03-01")
    at.selectbox(key="coll_w_bucket").set_value("1-30").run()
    assert table(at, "Cliente")["Cliente"].tolist() == ["ACME", "BETA"]
    at.selectbox(key="coll_w_account").set_value("BETA").run()
    invoices = table(at, "Factura")
    assert invoices["Factura"].tolist() == ["F-B1", "F-REV"]
    assert invoices["Saldo"].tolist() == [1320.00, 1160.00]
    at.selectbox(key="coll_w_invoice").set_value("F-REV").run()
    assert not at.exception, at.exception
    payments = table(at, "Fecha")  # the first detail table: payments and their reversal
    assert payments["Tipo"].tolist() == ["Pago", "Reversa de pago (devuelto)"]
    assert payments["Importe"].tolist() == [1160.00, -1160.00]
    assert at.query_params == {"as_of": "2026-03-01", "bucket": "1-30", "account": "BETA",
                               "invoice": "F-REV"}


def test_a_shared_link_opens_the_same_view(home: Path) -> None:
    at = open_page("director", as_of="2026-03-15", bucket="31-60", account="BETA")
    invoices = table(at, "Factura")
    assert invoices["Factura"].tolist() == ["F-B2"]
    assert invoices["Días vencida"].tolist() == [54]
    assert at.selectbox(key="coll_w_bucket").value == "31-60"
    assert at.selectbox(key="coll_w_account").value == "BETA"


def test_a_bad_url_parameter_is_ignored_with_a_warning(home: Path) -> None:
    at = open_page("finance", as_of="2026-02-30", bucket="1-30")
    assert at.warning, "expected a warning about the invalid date"
    assert at.query_params["bucket"] == "1-30"
    assert at.query_params["as_of"] != "2026-02-30"


def test_roles_without_finance_dashboards_cannot_open_it(home: Path) -> None:
    from seiton.webapp.registry import can_open, page_by_key

    spec = page_by_key(PAGE)
    assert spec.kind == "finance" and spec.section == "section_finance"
    assert {r for r in ("finance", "director", "admin", "analyst", "operator")
            if can_open(r, "finanzas", spec)} == {"finance", "director", "admin"}
    at = open_page("analyst", as_of="2026-03-01")
    assert not [t for t in at.title if t.value == "Cartera y cobranza"]
