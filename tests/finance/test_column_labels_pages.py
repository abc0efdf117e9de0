"""The finance pages' tables are headed by the labels of the marts' YAML, carried by publish
into the data dictionary (meta.columns), in Spanish and in English; no header is a column
name; money is formatted because of its DECIMAL type (dashboards/columns.py)."""

from __future__ import annotations

import json
import re
import time

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from .conftest import MAIN, mart
from .test_finance_pages import interesting_charge

pytestmark = [pytest.mark.e2e]

SNAKE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")


def open_in(lang: str, url_path: str, **params: str) -> AppTest:
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser("finance", "Finance", "finance", None)
    at.session_state["last_seen"] = time.time()
    at.session_state["lang"] = lang
    at.query_params.update(params)
    at._page_hash = calc_hash(url_path)  # noqa: SLF001 - a browser request for the path
    at.run()
    at._page_hash = ""  # noqa: SLF001
    assert not at.exception, at.exception
    return at


def test_publish_carries_the_labels_into_the_dictionary(home) -> None:
    rows = dict(((r, c), (es, en, u)) for r, c, es, en, u in mart(home, """
        select relation, column_name, label_es, label_en, unit from meta.columns
        where relation in ('marts.fct_billing_charges', 'marts.ar_aging')"""))
    assert rows[("marts.fct_billing_charges", "total_mxn")] == ("Total MXN", "Total MXN", "MXN")
    assert rows[("marts.fct_billing_charges", "fixed_fee_amount")] == (
        "Cuota fija", "Fixed fee", "currency")
    # a table macro's columns are labelled by the model that creates it
    assert rows[("marts.ar_aging", "open_amount")] == ("Saldo", "Open", "currency")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_charges_page_is_headed_by_the_marts_labels(home, lang) -> None:
    from dashboards.pages.billing_charges import CHARGES_SQL

    contract, period = interesting_charge(home)
    labels = {(r, c): (es, en) for r, c, es, en in mart(home, """
        select relation, column_name, label_es, label_en from meta.columns
        where label_es is not null""")}
    at = open_in(lang, "cargos", period=period, contract=contract)
    wanted = []
    for item in CHARGES_SQL.split("from")[0].replace("select", "").split(","):
        alias, column = item.strip().split(".")
        relation = "marts.dim_account" if alias == "a" else "marts.fct_billing_charges"
        wanted.append(labels[(relation, column)][0 if lang == "es" else 1])
    first = wanted[0]
    charges = next(f for f in at.dataframe if list(f.value.columns)[:1] == [first]
                   and len(f.value.columns) == len(wanted))
    assert list(charges.value.columns) == wanted
    assert {"es": "Cuota fija", "en": "Fixed fee"}[lang] in wanted
    formats = {k: v.get("type_config", {}).get("format")
               for k, v in json.loads(charges.proto.columns).items()}
    assert formats[{"es": "Total MXN", "en": "Total MXN"}[lang]] == "accounting"
    assert formats[{"es": "Periodo", "en": "Period"}[lang]] == (
        "DD/MM/YYYY" if lang == "es" else "YYYY-MM-DD")
    assert formats.get({"es": "Tasa de impuesto", "en": "Tax rate"}[lang]) != "accounting"
    for frame in at.dataframe:  # the calculation and the devices too: no column names
        assert not [c for c in frame.value.columns if SNAKE.match(str(c))], frame.value.columns


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_reconciliation_page_is_headed_by_labels(home, lang) -> None:
    contract, period = mart(home, """
        select contract_number, period_start::varchar from marts.fct_invoice_reconciliation
        where has_invoice and has_charge order by credit_note_count desc, period_start desc,
        contract_number limit 1""")[0]
    at = open_in(lang, "conciliacion", status="under_billed,over_billed,matched",
                 case=f"{contract}|{period}")
    headers = [c for f in at.dataframe for c in f.value.columns]
    assert {"es": "Diferencia", "en": "Difference"}[lang] in headers
    assert {"es": "Casos", "en": "Cases"}[lang] in headers  # the page's own count
    assert not [c for c in headers if SNAKE.match(str(c))]
