"""kpi_monthly and the KPI pages on the small demo (tests/e2e's demo_home, built once)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from seiton.config import DBT_PROJECT_DIR

from .conftest import open_page

pytestmark = [pytest.mark.e2e]

STAGES = {"sales", "formalization", "implementation", "operation", "billing", "renewal"}
MIN_SHARE = 0.8  # the share of the last 12 months a KPI must have a value in


def published(home: Path) -> Path:
    return home / "warehouse.published.duckdb"


def catalog_codes() -> set[str]:
    with (DBT_PROJECT_DIR / "seeds" / "kpi_catalog.csv").open(encoding="utf-8") as f:
        return {row["kpi_code"] for row in csv.DictReader(f)}


def test_kpi_monthly_has_every_stage_and_kpi_with_values_in_the_last_12_months(demo_home):
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        stages = {r[0] for r in con.execute(
            "select distinct stage_code from marts.kpi_monthly").fetchall()}
        coverage = dict(con.execute("""
            with last_12 as (
                select distinct month from marts.kpi_monthly order by month desc limit 12
            )
            select kpi_code, count(value) / 12.0
            from marts.kpi_monthly
            where month in (select month from last_12)
            group by kpi_code
        """).fetchall())
    assert stages == STAGES
    assert set(coverage) == catalog_codes()
    sparse = {code: f"{share:.0%}" for code, share in coverage.items() if share < MIN_SHARE}
    assert not sparse, f"KPIs with values in under {MIN_SHARE:.0%} of the last 12 months: {sparse}"


def test_kpi_monthly_contract_columns_and_types(demo_home):
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'kpi_monthly'").fetchall())
    for column in ("stage_code", "kpi_code", "month", "value", "target", "status",
                   "amber", "numerator", "denominator"):
        assert column in types, column
    assert types["month"] == "DATE"
    assert types["value"].startswith("DECIMAL")


def test_every_figure_is_the_sum_of_its_records(demo_home):
    """Rates: numerator and denominator of kpi_monthly are exactly Σ of fct_kpi_records."""
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        mismatches = con.execute("""
            select k.kpi_code, k.month
            from marts.kpi_monthly as k
            left join (
                select kpi_code, month, sum(numerator) as n, sum(denominator) as d
                from marts.fct_kpi_records group by all
            ) as r using (kpi_code, month)
            where k.aggregation = 'ratio_pct'
                and (coalesce(k.numerator, 0) <> coalesce(r.n, 0)
                     or coalesce(k.denominator, 0) <> coalesce(r.d, 0))
        """).fetchall()
    assert mismatches == []


@pytest.mark.parametrize("key", ["salud-de-etapas", "detalle-de-etapa", "prospecto-a-cobro"])
def test_kpi_pages_render_on_the_demo(demo_home, monkeypatch, key):
    monkeypatch.setenv("SEITON_HOME", str(demo_home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    at = open_page(key)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if key == "salud-de-etapas":
        assert len(at.subheader) == 6
    if key == "detalle-de-etapa":
        assert at.dataframe, "the drill-down lists the records behind the figure"
