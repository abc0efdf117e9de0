"""Fixtures for the KPI pages: a small published warehouse built in seconds, the small demo
(tests/e2e's demo_home, imported: built once per run and shared), and driving the real app
(seiton/webapp/main.py) with AppTest.

`kpi_home` writes the marts the KPI pages read straight into a published DuckDB file. The
tables are created from the enforced dbt contracts (the models' YAML: column names and
types), so the fixture cannot drift from what dbt publishes; the rows are a small, hand-made
business whose figures the tests know in advance.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.e2e.conftest import demo_home  # noqa: F401 - the one shared small demo

if str(PROJECT_ROOT) not in sys.path:  # AppTest runs the app in this process
    sys.path.insert(0, str(PROJECT_ROOT))

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"
SEEDS = DBT_PROJECT_DIR / "seeds"
MODELS = DBT_PROJECT_DIR / "models"

# the hand-made business: 14 months, the last one (November 2026) partial
MONTHS = [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)] + [
    date(2026, m, 1) for m in range(1, 12)]
LAST_COMPLETE = date(2026, 10, 1)


# --------------------------------------------------------------------------- contracts


def contract_columns(yml: Path, model: str) -> list[tuple[str, str]]:
    """(name, data_type) of a model's enforced contract, in order."""
    for node in yaml.safe_load(yml.read_text())["models"]:
        if node["name"] == model:
            return [(c["name"], c["data_type"]) for c in node["columns"]]
    raise KeyError(model)


def create_from_contract(con: duckdb.DuckDBPyConnection, yml: Path, model: str) -> None:
    columns = ", ".join(f'"{n}" {t}' for n, t in contract_columns(yml, model))
    con.execute(f"create table marts.{model} ({columns})")


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    for row in rows:
        names = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join("?" for _ in row)
        sql = f"insert into marts.{table} ({names}) values ({marks})"  # noqa: S608 - our names
        con.execute(sql, list(row.values()))


def read_seed(name: str) -> list[dict]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- the business


def kpi_value(index: int, month_number: int, target: float | None) -> float | None:
    """Deterministic values around the target; every 5th KPI skips odd months (no data)."""
    if index % 5 == 4 and month_number % 2:
        return None
    base = target if target not in (None, 0) else 10.0
    return round(base * (0.85 + 0.05 * ((index + month_number) % 6)), 4)


def status(value, target, amber, direction) -> str | None:
    if value is None or target is None:
        return None
    if direction == "up":
        return "green" if value >= target else "amber" if value >= amber else "red"
    return "green" if value <= target else "amber" if value <= amber else "red"


def kpi_rows() -> list[dict]:
    stage_ids = {s["stage_code"]: int(s["stage_id"]) for s in read_seed("stages")}
    rows = []
    for index, kpi in enumerate(read_seed("kpi_catalog")):
        target = float(kpi["target"]) if kpi["target"] else None
        amber = float(kpi["amber"]) if kpi["amber"] else None
        for number, month in enumerate(MONTHS):
            value = kpi_value(index, number, target)
            if kpi["kpi_code"] == "win_rate" and month == LAST_COMPLETE:
                value = 60.0  # the drill-down test's figure: 3 won of 5
            rows.append({
                "stage_code": kpi["stage_code"], "kpi_code": kpi["kpi_code"], "month": month,
                "value": value, "target": target, "amber": amber,
                "status": status(value, target, amber, kpi["direction"]),
                "numerator": value, "denominator": 1 if value is not None else None,
                "record_count": 5 if kpi["kpi_code"] == "win_rate" else 1,
                "stage_id": stage_ids[kpi["stage_code"]], "kpi_order": index + 1,
                "kpi_name_es": kpi["name_es"], "kpi_name_en": kpi["name_en"],
                "unit": kpi["unit"], "direction": kpi["direction"],
                "aggregation": "external" if kpi["kpi_code"] in (
                    "dso_days", "cei_pct", "overdue_60_pct") else "ratio_pct",
                "is_partial_month": month == MONTHS[-1],
            })
    return rows


WIN_RATE_RECORDS = [
    ("OP-1", date(2026, 10, 3), 1, "won"), ("OP-2", date(2026, 10, 8), 1, "won"),
    ("OP-3", date(2026, 10, 15), 1, "won"), ("OP-4", date(2026, 10, 20), 0, "lost: precio"),
    ("OP-5", date(2026, 10, 28), 0, "lost: competencia"),
]

OPPORTUNITIES = [
    # code, account, created, won, lost, is_qualified, estimated
    ("OP-1", "CLI-1", date(2026, 6, 2), date(2026, 10, 3), None, True, 120000),
    ("OP-2", "CLI-2", date(2026, 7, 1), date(2026, 10, 8), None, True, 80000),
    ("OP-3", "CLI-3", date(2026, 8, 5), date(2026, 10, 15), None, True, 50000),
    ("OP-4", "CLI-4", date(2026, 8, 9), None, date(2026, 10, 20), True, 40000),
    ("OP-5", "CLI-5", date(2026, 9, 1), None, date(2026, 10, 28), False, 30000),
    ("OP-6", "CLI-6", date(2026, 10, 1), None, None, False, 20000),
]

LEAD_TO_CASH = [
    # code, won, activated, accepted, first invoice, first cash, invoiced, collected
    ("OP-1", date(2026, 10, 3), date(2026, 10, 13), date(2026, 10, 30), date(2026, 11, 3),
     None, 13920, 0),
    ("OP-2", date(2026, 10, 8), date(2026, 10, 18), None, None, None, 0, 0),
    ("OP-3", date(2026, 10, 15), None, None, None, None, 0, 0),
]

AGING = [
    # invoice, account, contract, due, open MXN, days past due, bucket
    ("F-1", "CLI-1", "CT-1", date(2026, 10, 20), 1160.00, 11, "1-30"),
    ("F-2", "CLI-2", "CT-2", date(2026, 8, 15), 2320.00, 77, "61-90"),
    ("F-3", "CLI-2", "CT-2", date(2026, 6, 1), 3480.00, 152, "120+"),
]


def build_published_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        create_from_contract(con, MODELS / "marts/core/_core__models.yml", "dim_stage")
        insert(con, "dim_stage", [
            {"stage_id": int(s["stage_id"]), "stage_code": s["stage_code"],
             "name_es": s["name_es"], "name_en": s["name_en"], "areas": s["areas"],
             "objective": s["objective"], "objective_es": s["objective_es"],
             "key_output": s["key_output"], "key_output_es": s["key_output_es"]}
            for s in read_seed("stages")])
        # the app's default page (the value chain) reads these two
        create_from_contract(con, MODELS / "marts/core/_core__models.yml", "agg_stage_records")
        insert(con, "agg_stage_records", [
            {"stage_code": t["stage_code"], "transaction_type": t["transaction_type"],
             "transaction_type_name_es": t["name_es"], "transaction_type_name_en": t["name_en"],
             "records": 10} for t in read_seed("transaction_types")])
        kpis_yml = MODELS / "marts/kpis/_kpis__models.yml"
        create_from_contract(con, kpis_yml, "kpi_monthly")
        insert(con, "kpi_monthly", kpi_rows())
        create_from_contract(con, kpis_yml, "fct_kpi_records")
        insert(con, "fct_kpi_records", [
            {"stage_code": "sales", "kpi_code": "win_rate", "month": LAST_COMPLETE,
             "record_type": "opportunity", "record_key": key, "record_date": day,
             "account_code": f"CLI-{key[-1]}", "numerator": won, "denominator": 1,
             "detail": detail} for key, day, won, detail in WIN_RATE_RECORDS])
        create_from_contract(con, MODELS / "marts/sales/_sales__models.yml", "fct_opportunities")
        insert(con, "fct_opportunities", [
            {"opportunity_code": code, "account_code": account, "stage": (
                "won" if won else "lost" if lost else "qualified" if qualified else "prospect"),
             "outcome": "won" if won else "lost" if lost else "open",
             "created_on": created, "created_month": created.replace(day=1),
             "won_on": won, "lost_on": lost, "closed_on": won or lost,
             "closed_month": (won or lost).replace(day=1) if (won or lost) else None,
             "is_qualified": qualified, "is_won": won is not None, "is_lost": lost is not None,
             "is_open": not (won or lost), "currency": "MXN", "estimated_amount": estimate,
             "estimated_amount_mxn": estimate}
            for code, account, created, won, lost, qualified, estimate in OPPORTUNITIES])
        create_from_contract(con, kpis_yml, "fct_lead_to_cash")
        insert(con, "fct_lead_to_cash", [
            {"opportunity_code": code, "account_code": f"CLI-{code[-1]}", "won_on": won,
             "cohort_month": won.replace(day=1), "contract_number": f"CT-{code[-1]}",
             "activated_on": act, "accepted_on": acc, "first_invoice_on": inv,
             "first_cash_on": cash,
             "days_to_activation": (act - won).days if act else None,
             "days_to_go_live": (acc - won).days if acc else None,
             "days_to_first_invoice": (inv - won).days if inv else None,
             "days_to_first_cash": (cash - won).days if cash else None,
             "furthest_step": ("collected" if cash else "invoiced" if inv else "live" if acc
                               else "activated" if act else "won"),
             "proposal_price_mxn": 100000, "invoice_count": 1 if inv else 0,
             "invoiced_total_mxn": invoiced, "collected_mxn": collected}
            for code, won, act, acc, inv, cash, invoiced, collected in LEAD_TO_CASH])
        # the collections mart's month-end aging (owned by the collections marts): the
        # columns the stage-detail drill-down reads
        con.execute("""
            create table marts.fct_ar_aging_monthly (
                month date, month_end date, invoice_number varchar, account_code varchar,
                contract_number varchar, due_on date, open_amount_mxn decimal(18,2),
                days_past_due integer, bucket varchar)""")
        insert(con, "fct_ar_aging_monthly", [
            {"month": LAST_COMPLETE, "month_end": date(2026, 10, 31), "invoice_number": inv,
             "account_code": account, "contract_number": contract, "due_on": due,
             "open_amount_mxn": amount, "days_past_due": days, "bucket": bucket}
            for inv, account, contract, due, amount, days, bucket in AGING])
        con.execute("checkpoint")
    finally:
        con.close()


@pytest.fixture(scope="session")
def kpi_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SEITON_HOME holding only a published warehouse with the KPI pages' marts."""
    home = tmp_path_factory.mktemp("kpi-home")
    build_published_warehouse(home / "warehouse.published.duckdb")
    return home


@pytest.fixture
def kpi_home(kpi_published: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEITON_HOME", str(kpi_published))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    return kpi_published


# --------------------------------------------------------------------------- the app


def open_page(url_path: str, *, role: str = "director", area: str | None = None,
              query: dict[str, str] | None = None, lang: str = "es") -> AppTest:
    """Run the real app signed in with `role` and open the page at /url_path?query.

    A callable page's script hash is calc_hash(url_path), what a browser request for
    /url_path resolves to (tests/app/app_helpers.py explains the mechanism)."""
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser(role, role.title(), role, area)
    at.session_state["last_seen"] = time.time()
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    at._page_hash = calc_hash(url_path)  # noqa: SLF001 - see the docstring
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.session_state["last_seen"] = time.time()
    at.run()
    at._page_hash = ""  # noqa: SLF001 - later runs stay on the page
    return at


def rerun(at: AppTest) -> AppTest:
    at.session_state["last_seen"] = time.time()
    return at.run()

