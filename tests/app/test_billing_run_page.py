"""AppTest of finance's "Emisión de facturas" (operational_app/pages/billing_run.py) on the
tiny demo invoiced by the run (tests/billing_run's billed_home): October is not invoiced
yet; finance drafts it, sees a draft's lines equal to the warehouse's, excludes a contract
with a reason, posts; a director sees the page read-only."""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import PROJECT_ROOT
from tests.billing_run.conftest import billed_home, home, sql, tiny_home  # noqa: F401 - shared fixtures

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"
PAGE = "emision-de-facturas"


def open_page(username: str, role: str) -> AppTest:
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=120)
    at.session_state["user"] = CurrentUser(username, username, role, None)
    at.session_state["last_seen"] = time.time()
    at._page_hash = calc_hash(PAGE)  # noqa: SLF001 - a browser request for the path
    at.run()
    at._page_hash = ""  # noqa: SLF001
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def frame(at: AppTest, first: str):
    for f in at.dataframe:
        if f.value.columns[0] == first:
            return f.value
    raise AssertionError(f"no table starting with {first!r}")


def money(value) -> str:
    """An amount as the page's tables write it in Spanish (docs/conventions.md, "Display
    formats"): $, thousands by comma, two decimals."""
    amount = Decimal(value)
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


KIND_LABELS = {"fixed_fee": "Renta fija", "overage": "Excedente", "true_up": "Ajuste anual",
               "adjustment": "Ajuste"}


def mart(home_: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(home_ / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute(query).fetchall()


def test_finance_drafts_excludes_and_posts_october(home: Path) -> None:  # noqa: F811
    at = open_page("finanzas", "finance")
    periods = at.selectbox(key="brun_period")
    periods.select_index(periods.options.index("octubre 2026"))  # months by name
    at.checkbox(key="brun_refresh").uncheck()
    rerun(at)
    at.button(key="brun_draft").click()
    rerun(at)
    charged = mart(home, "select contract_number, subtotal from marts.fct_billing_charges "
                         "where period_start = date '2026-10-01' and subtotal > 0 order by 1")
    docs = frame(at, "Borrador")
    assert sorted(zip(docs["Contrato"], docs["Subtotal"], strict=True)) == \
        [(n, money(s)) for n, s in charged]
    assert set(docs["Estado"]) == {"Borrador"}
    assert set(docs["Documento"]) == {"Factura"} and set(docs["Propósito"]) == {"Cargo del periodo"}
    # a draft's lines, as the warehouse computed them
    number = charged[0][0]
    key = next(k for k in at.selectbox(key="brun_lines").options if f" · {number} · " in k)
    at.selectbox(key="brun_lines").set_value(key)
    rerun(at)
    lines = frame(at, "Partida")
    want = mart(home, f"select kind, amount from marts.fct_billing_charge_lines where "
                      f"contract_number = '{number}' and period_start = date '2026-10-01' "
                      "order by line_number")
    assert list(zip(lines["Concepto"], lines["Monto"], strict=True)) \
        == [(KIND_LABELS[k], money(a)) for k, a in want]
    # exclude the last contract with a reason: kept and shown
    left_out = charged[-1][0]
    at.selectbox(key="brun_ex_contract").set_value(left_out)
    at.text_input(key="brun_ex_reason").input("Cliente en disputa por el servicio")
    at.button[[b.label for b in at.button].index("Excluir")].click()
    rerun(at)
    excl = frame(at, "Contrato")
    assert list(excl["Motivo"]) == ["Cliente en disputa por el servicio"]
    # confirmed by name and cleared: a second "Excluir" has no reason left to record
    confirmed = at.success[0].value.replace("\\", "")
    assert confirmed == (f"Contrato excluido de la emisión: **{left_out} · octubre 2026 · "
                         "Cliente en disputa por el servicio**")
    assert at.text_input(key="brun_ex_reason").value == ""
    # post
    at.button(key="brun_post").click()
    rerun(at)
    docs = frame(at, "Borrador")
    assert set(docs["Estado"]) == {"Emitido"} and left_out not in set(docs["Contrato"])
    assert all(n.startswith("F") for n in docs["Número"])
    url = f"sqlite:///{home / 'operational.db'}"
    posted = sql(url, "select count(*) from invoices where period_start = '2026-10-01' "
                      "and origin = 'billing_run'")[0][0]
    assert posted == len(charged) - 1


def test_a_director_sees_the_run_read_only(home: Path) -> None:  # noqa: F811
    at = open_page("director", "director")
    assert "brun_post" not in [b.key for b in at.button]
    assert any("Solo Finanzas" in i.value for i in at.info)


def test_the_reconciliation_page_explains_each_case(billed_home: Path,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case off `matched` in the demo has its cause, from what really happened:
    an exclusion shows finance's reason, a hand-typed invoice says so."""
    monkeypatch.setenv("SEITON_HOME", str(billed_home))
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=120)
    at.session_state["user"] = CurrentUser("finanzas", "finanzas", "finance", None)
    at.session_state["last_seen"] = time.time()
    at._page_hash = calc_hash("conciliacion")  # noqa: SLF001
    at.run()
    assert not at.exception, at.exception
    cases = next(f.value for f in at.dataframe if "Causa" in f.value.columns)
    assert len(cases) > 0
    assert cases["Causa"].map(lambda c: isinstance(c, str) and len(c) > 10).all()
    reasons = {r for (r,) in sql(f"sqlite:///{billed_home / 'operational.db'}",
                                 "select reason from billing_exclusions where deleted_at is null")}
    shown = " ".join(cases["Causa"])
    assert reasons and all(r in shown for r in reasons)
    causes = dict(mart(billed_home, "select cause_code, count(*) from "
                                    "marts.fct_reconciliation_causes group by 1"))
    assert causes.get("excluded") == len(reasons)
    assert causes.get("typed_by_hand_without_charge", 0) + causes.get("typed_by_hand_again", 0) >= 1
