"""The CFDI pages (docs/cfdi.md): finance opens the stamped XML of an invoice from its row
(shown as code) and gets the period's zip; the admin's fiscal form refuses a bad RFC and
writes nothing, and saves a good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from operational_app.store.engine import dispose_engines
from tests.cfdi.conftest import exported, import_folder, stamp_all, state
from tests.cfdi.helpers import post_invoice
from tests.finance.conftest import open_page, rerun


@pytest.fixture
def page_url(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from operational_app.store.engine import write_session

    with write_session(url) as s:
        post_invoice(s)
    stamp_all(exported(url), tmp_path / "in")
    assert import_folder(url, tmp_path / "in").ok
    monkeypatch.setenv("SEITON_OPERATIONAL_URL", url)
    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    yield url
    dispose_engines()


def test_finance_opens_the_stamped_xml_of_an_invoice(page_url: str) -> None:
    at = open_page("cfdi", role="finance")
    table = at.dataframe[0].value
    assert list(table["Factura"]) == ["F1"] and list(table["CFDI"]) == ["Timbrado"]
    uuid = table["UUID"][0]
    at.selectbox(key="cfdi_invoice").select("F1")
    rerun(at)
    assert uuid in at.code[0].value and "TimbreFiscalDigital" in at.code[0].value


def test_admin_fiscal_form_refuses_a_bad_rfc_and_writes_nothing(page_url: str) -> None:
    before = state(page_url)
    at = open_page("datos-fiscales", role="admin")
    at.text_input(key="fiscal_issuer_rfc").set_value("NO-ES-RFC")
    at.button[0].click()
    rerun(at)
    assert any(e.value.startswith("RFC:") for e in at.error)  # the field by its label
    assert state(page_url) == before
    assert at.text_input(key="fiscal_issuer_rfc").value == "NO-ES-RFC"  # kept, to fix it
    at.text_input(key="fiscal_issuer_rfc").set_value("SIM160301K56")
    at.button[0].click()
    rerun(at)
    assert not at.error and at.success
    assert at.success[0].value.replace("\\", "") == "Datos fiscales guardados: **RFC SIM160301K56**"
    # the form is drawn afresh from what is stored now
    assert at.text_input(key="fiscal_issuer_rfc").value == "SIM160301K56"
    assert state(page_url) != before


def test_finance_cannot_open_the_fiscal_form(page_url: str) -> None:
    at = open_page("datos-fiscales", role="finance")
    assert not at.text_input
