"""The SQL console and data dictionary pages (AppTest, through the real app's navigation and
role checks). Downloads and charts are for the browser tests; here: what the user sees."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import PROJECT_ROOT
from seiton.webapp.registry import PAGES, can_open, page_by_key

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"
CONSOLE, DICTIONARY = "consola-sql", "diccionario-de-datos"


def open_page(role: str, key: str, lang: str = "es") -> AppTest:
    """The app signed in as `role`, asked for /key (as a browser request would)."""
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser(role, role.title(), role, None)
    at.session_state["last_seen"] = time.time()
    at.session_state["lang"] = lang
    at._page_hash = calc_hash(key)  # noqa: SLF001 - see tests/app/app_helpers.py
    at.run()
    at._page_hash = ""  # noqa: SLF001
    assert not at.exception, at.exception
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def run_sql(at: AppTest, sql: str) -> AppTest:
    at.text_area(key="sqlc_sql").input(sql)
    at.button[0].click()  # the form's submit button
    at.session_state["last_seen"] = time.time()
    return at.run()


def test_analysis_pages_are_for_analysts_and_admin():
    for key in (CONSOLE, DICTIONARY):
        page = page_by_key(key)
        assert page.kind == "analysis"
        allowed = {role for role in ("operator", "finance", "director", "analyst", "admin")
                   if can_open(role, "finanzas" if role == "operator" else None, page)}
        assert allowed == {"analyst", "admin"}
    assert len({p.key for p in PAGES}) == len(PAGES)


def test_console_runs_a_query_and_shows_the_rows(analyst_home):
    at = open_page("analyst", CONSOLE)
    assert titles(at) == ["Consola SQL"]
    at = run_sql(at, "select contract_number, total from marts.fct_billing_charges "
                     "order by contract_number, period_start")
    assert not at.exception and not at.error
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["contract_number", "total"]
    assert frame["contract_number"].tolist() == ["CON-000001", "CON-000001", "CON-000002"]
    assert any("3 filas" in c.value for c in at.caption)


def test_console_loads_an_example(analyst_home):
    at = open_page("analyst", CONSOLE, lang="en")
    examples = at.selectbox(key="sqlc_example")
    aging = next(i for i, o in enumerate(examples.options) if "aging" in o.lower())
    examples.set_value(aging).run()
    sql = at.text_area(key="sqlc_sql").value
    assert "marts.ar_aging(date '2026-03-31')" in sql
    at.button[0].click().run()
    assert not at.error
    frame = at.dataframe[0].value
    assert set(frame["bucket"]) == {"1-30", "31+", "current"}


def test_console_refuses_a_hostile_query_without_rendering_it(analyst_home):
    at = open_page("analyst", CONSOLE)
    at = run_sql(at, f"attach '{analyst_home['operational']}' as op")
    assert [e.value for e in at.error] == ["Consulta rechazada"]
    assert "ATTACH" in at.code[0].value
    assert not at.dataframe


def test_console_shows_engine_errors_as_plain_text(analyst_home):
    at = open_page("analyst", CONSOLE, lang="en")
    at = run_sql(at, "select '<b>x</b>' as html, no_such_column from marts.kpi_monthly")
    assert [e.value for e in at.error] == ["The query failed"]
    assert "no_such_column" in at.code[0].value
    at = run_sql(at, "select '<script>alert(1)</script>' as html, '=1+1' as formula")
    assert not at.error
    assert at.dataframe[0].value["html"].tolist() == ["<script>alert(1)</script>"]


def test_console_caps_the_rows(analyst_home, monkeypatch):
    from dashboards.pages import sql_console

    monkeypatch.setattr(sql_console, "ROW_LIMIT", 50)
    at = open_page("analyst", CONSOLE, lang="en")
    at = run_sql(at, "select * from range(1000000)")
    assert len(at.dataframe[0].value) == 50
    assert any("first 50 rows" in w.value for w in at.warning)


def test_console_stops_a_runaway_query(analyst_home, monkeypatch):
    from dashboards.pages import sql_console

    monkeypatch.setattr(sql_console, "TIME_LIMIT_MS", 500)
    at = open_page("analyst", CONSOLE, lang="en")
    at = run_sql(at, "select count(*) from range(100000) as a, range(100000) as b "
                     "where a.range + b.range = 3")
    assert [e.value for e in at.error] == ["The query ran past the time limit and was stopped."]


def test_console_result_table_handles_duplicate_and_odd_columns(analyst_home):
    at = open_page("analyst", CONSOLE)
    at = run_sql(at, "select 1 as a, 2 as a, uuid() as u, [1, 2] as l, {'k': 1} as s")
    assert not at.error
    assert list(at.dataframe[0].value.columns) == ["a", "a_2", "u", "l", "s"]


@pytest.mark.parametrize("role", ["director", "finance"])
def test_console_does_not_run_for_other_roles(analyst_home, role):
    at = open_page(role, CONSOLE)
    assert "Consola SQL" not in titles(at)  # "page not found": the default page ran instead
    assert not [w for w in at.text_area if w.key == "sqlc_sql"]


def test_dictionary_lists_relations_columns_and_lineage(analyst_home):
    at = open_page("analyst", DICTIONARY, lang="en")
    assert titles(at) == ["Data dictionary"]
    summary = at.dataframe[0].value
    assert set(summary["Relation"]) == {"marts.agg_stage_records", "marts.ar_aging",
                                        "marts.dim_stage", "marts.fct_billing_charges",
                                        "marts.fct_invoices", "marts.kpi_monthly"}
    charges = summary[summary["Relation"] == "marts.fct_billing_charges"].iloc[0]
    assert charges["Stages"] == "Formalization, Billing"
    assert charges["Description"].startswith("What each contract owes")
    assert len(at.expander) == 6


def test_dictionary_search_finds_columns_and_descriptions(analyst_home):
    at = open_page("admin", DICTIONARY, lang="en")
    at.text_input(key="dd_search").input("invoice number").run()
    summary = at.dataframe[0].value
    assert set(summary["Relation"]) == {"marts.ar_aging", "marts.fct_invoices"}
    assert len(at.expander) == 2
    columns = at.dataframe[1].value  # the first relation's columns, matches first
    assert columns.iloc[0]["Column"] == "invoice_number"
    at.text_input(key="dd_search").input("no such thing anywhere").run()
    assert not at.dataframe and at.info


def test_dictionary_filters_by_stage(analyst_home):
    at = open_page("analyst", DICTIONARY, lang="en")
    at.multiselect(key="dd_stages").set_value(["formalization"]).run()
    summary = at.dataframe[0].value
    assert set(summary["Relation"]) == {"marts.fct_billing_charges", "marts.kpi_monthly"}


def test_filter_dictionary_unit():
    from dashboards.pages.data_dictionary import filter_dictionary

    relations = pd.DataFrame({"relation": ["marts.a", "marts.b"], "description": ["Alpha", None],
                              "stages": [["sales"], ["billing"]]})
    columns = pd.DataFrame({"relation": ["marts.a", "marts.b"], "column_name": ["x", "total"],
                            "description": [None, "IVA included"]})
    shown, hits = filter_dictionary(relations, columns, "iva", [])
    assert shown["relation"].tolist() == ["marts.b"] and hits == {"marts.b": 1}
    shown, _ = filter_dictionary(relations, columns, "", ["sales"])
    assert shown["relation"].tolist() == ["marts.a"]
    shown, _ = filter_dictionary(relations, columns, "ALPHA", [])
    assert shown["relation"].tolist() == ["marts.a"]
