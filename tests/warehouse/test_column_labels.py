"""Column labels and units live in the marts' YAML (dashboards/columns.py, docs/conventions.md
"Column labels and units"); money is found by its DECIMAL type, never by a label."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from seiton.config import PROJECT_ROOT
from seiton.warehouse.dictionary import UNITS, build_dictionary, column_labels, yaml_column_labels

PAGES = PROJECT_ROOT / "dashboards" / "pages"
# the page modules that label mart columns through dashboards/columns.py
LABELLING_PAGES = ("billing_charges", "collections", "reconciliation", "lead_to_cash",
                   "stage_detail", "monthly_pack")


@pytest.fixture
def yaml_labels(monkeypatch: pytest.MonkeyPatch) -> dict:
    """dashboards.columns reading the project's YAML (no published warehouse needed)."""
    from dashboards import columns

    labels = yaml_column_labels()
    monkeypatch.setattr(columns, "mart_labels", lambda: labels)
    return labels


def _named_models(source: str) -> set[str]:
    """The models a page names in its columns.labelled / column_config / label calls."""
    calls = re.findall(r"columns\.(?:labelled|column_config|label|unit)\(([^()]*(?:\([^()]*\)[^()]*)*)\)",
                       source, flags=re.S)
    return {m for call in calls for m in re.findall(r'"((?:fct|dim|kpi)_[a-z0-9_]+)"', call)}


def _sql_columns(source: str, model: str) -> set[str]:
    """The bare mart columns the page's SQL selects from `marts.<model>` (a first cut: the
    select list of each statement that reads it, names without an `as` alias)."""
    found: set[str] = set()
    for sql in re.findall(r'"""(.*?)"""', source, flags=re.S):
        if f"marts.{model}" not in sql or not sql.lstrip().lower().startswith("select"):
            continue
        select = re.split(r"\bfrom\b", sql, maxsplit=1, flags=re.I)[0].split("select", 1)[1]
        for item in re.split(r",(?![^(]*\))", select):
            item = item.strip()
            if re.fullmatch(r"(?:[a-z]\.)?[a-z_][a-z0-9_]*", item):
                found.add(item.split(".")[-1])
    return found


def test_every_label_has_spanish_and_english_and_a_known_unit() -> None:
    labels = yaml_column_labels()
    assert len(labels) >= 10
    for model, columns in labels.items():
        for column, (es, en, unit) in columns.items():
            assert es and en, (model, column)
            assert not re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+", es + en.replace(" ", "")), (model, column)
            assert unit is None or unit in UNITS, (model, column, unit)


def test_every_mart_column_a_page_selects_has_a_label() -> None:
    """What the dashboards select from a mart they label (billing, collections,
    reconciliation, lead to cash, stage detail) carries a label in both languages; what the
    pages compute themselves (counts, sums under another name) is labelled in the page."""
    labels = yaml_column_labels()
    checked = 0
    for name in LABELLING_PAGES:
        source = (PAGES / f"{name}.py").read_text(encoding="utf-8")
        models = _named_models(source)
        assert models, name
        for model in models:
            assert model in labels, (name, model)
            for column in _sql_columns(source, model):
                if column in {"total_records", "kpi_code", "movement_id", "payment_number",
                              "as_of_date", "is_period_closed", "is_closed", "bucket_order"}:
                    continue  # read for the page's logic, never shown as a column
                owners = [m for m in models if column in labels.get(m, {})]
                assert owners, (name, model, column)
                checked += 1
    assert checked > 60


def test_query_results_carry_their_sql_types_and_money_by_type(tmp_path: Path, yaml_labels) -> None:
    from dashboards import columns
    from seiton.warehouse.reader import query_df

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_collections_monthly as select "
                    "date '2026-03-31' as month_end, 1234.50::decimal(18,2) as open_ar_mxn, "
                    "93.89::decimal(18,2) as dso_days, 0.160000::decimal(18,6) as fx_rate, "
                    "2.5::double as ratio, 7::integer as invoices, 'x' as note")
    frame = query_df("select *, sum(open_ar_mxn) over () as open_total "
                     "from marts.fct_collections_monthly", path=db)
    assert frame["open_ar_mxn"].dtype == "float64"  # what pandas makes of DECIMAL
    assert frame.attrs["sql_types"]["open_ar_mxn"] == "DECIMAL(18,2)"
    # a two-decimal DECIMAL is money, a sum of it too; a rate, a double, an integer are not
    assert columns.money_columns(frame) == {"open_ar_mxn", "dso_days", "open_total"}
    view = columns.labelled(frame, "fct_collections_monthly", language="es")
    # ... and with the YAML's units, DSO (in days) is not money
    assert columns.money_columns(view) == {"Cartera MXN", "open_total"}
    assert list(view.columns)[:3] == ["Cierre de mes", "Cartera MXN", "DSO (días)"]
    english = columns.labelled(frame, "fct_collections_monthly", page={"open_total": "Sum"},
                               language="en")
    assert list(english.columns)[:3] == ["Month end", "Open AR MXN", "DSO (days)"]
    assert columns.money_columns(english) == {"Open AR MXN", "Sum"}

    # a table a page builds: Decimal values with cents are money, a rate's Decimals are not
    built = pd.DataFrame({"Importe": [Decimal("10.50"), None], "Tasa": [Decimal("0.160000"), None],
                          "Páginas": [3, 4]})
    assert columns.money_columns(built) == {"Importe"}
    assert columns.money_columns(columns.as_money(built.copy(), "Páginas")) == {"Importe", "Páginas"}


def test_exports_format_money_by_type(tmp_path: Path, yaml_labels) -> None:
    from openpyxl import load_workbook

    from dashboards import columns, exports
    from seiton.warehouse.reader import query_df

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select 1234.5::decimal(18,2) as amount, "
                    "0.16::decimal(18,6) as rate, 3::bigint as pages")
    frame = columns.labelled(query_df("select * from t", path=db), page={"amount": "Importe"})
    sheet = load_workbook(io.BytesIO(exports.to_xlsx_sheets_bytes({"x": frame},
                                                                  language="es")))["x"]
    assert [c.value for c in sheet[1]] == ["Importe", "rate", "pages"]
    assert sheet["A2"].number_format == "#,##0.00" and sheet["A2"].value == 1234.5
    assert sheet["B2"].number_format != "#,##0.00"
    assert sheet["C2"].number_format == "#,##0"


def test_the_dictionary_carries_labels_and_units() -> None:
    node = {"unique_id": "model.seiton.fct_x", "name": "fct_x", "schema": "marts",
            "resource_type": "model", "columns": {
                "total_mxn": {"name": "total_mxn", "description": "Total in pesos.",
                              "meta": {"label": {"es": "Total MXN", "en": "Total MXN"},
                                       "unit": "MXN"}},
                "status": {"name": "status", "description": "Status.",
                           "config": {"meta": {"label": {"es": "Estado", "en": "Status"}}}},
                "note": {"name": "note", "description": "No label."}}}
    assert column_labels(node) == {"total_mxn": ("Total MXN", "Total MXN", "MXN"),
                                   "status": ("Estado", "Status", None)}
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_x (total_mxn decimal(18,2), status varchar, note varchar)")
        _, rows = build_dictionary(con, ["marts"], {"nodes": {node["unique_id"]: node}}, {})
    assert [r[6:] for r in rows] == [("Total MXN", "Total MXN", "MXN"),
                                     ("Estado", "Status", None), (None, None, None)]
