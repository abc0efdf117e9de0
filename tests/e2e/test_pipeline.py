"""The spine end to end: init → demo data → refresh → published marts, on the embedded default."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import text

from tests.e2e.conftest import run_cli

pytestmark = [pytest.mark.e2e]

# docs/contract.md, "Published marts": the columns each relation must have.
REQUIRED_COLUMNS = {
    "dim_stage": {"stage_id", "stage_code", "name_es", "name_en", "areas"},
    "fct_device_usage": {"serial", "contract_number", "period_start", "mono_pages", "color_pages",
                         "is_estimated"},
    "fct_billing_charges": {
        "contract_number", "period_start", "active_fraction", "fixed_fee_amount",
        "included_mono_pages", "included_color_pages", "mono_pages", "color_pages",
        "overage_mono_pages", "overage_color_pages", "overage_mono_amount",
        "overage_color_amount", "minimum_true_up_amount", "subtotal", "tax_amount", "total",
        "currency", "has_estimated_reads"},
    "fct_invoice_reconciliation": {"contract_number", "period_start", "expected_subtotal",
                                   "invoiced_subtotal", "difference", "status"},
    "fct_meter_exceptions": {"serial", "read_on", "reason", "status", "decided_by",
                             "decided_at"},
}


def published(home: Path) -> Path:
    return home / "warehouse.published.duckdb"


def test_raw_row_counts_equal_the_source(demo_home: Path) -> None:
    from ingestion.pipeline import source_tables

    src = sqlite3.connect(demo_home / "operational.db")
    wh = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    try:
        for table in source_tables():
            expected = src.execute(f'select count(*) from "{table}"').fetchone()[0]
            got = wh.execute(f'select count(*) from raw."{table}"').fetchone()[0]
            assert got == expected, table
    finally:
        src.close()
        wh.close()


def test_published_marts_have_the_contract_columns(demo_home: Path) -> None:
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        for relation, required in REQUIRED_COLUMNS.items():
            cols = {r[0] for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ?", [relation]).fetchall()}
            assert required <= cols, (relation, required - cols)
            assert con.execute(f"select count(*) from marts.{relation}").fetchone()[0] > 0, relation
        money = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and (column_name like '%amount%' "
            "or column_name in ('subtotal', 'total', 'difference', 'expected_subtotal', "
            "'invoiced_subtotal')) and data_type not like 'DECIMAL%'").fetchall()
        assert money == []


def test_dim_stage_holds_the_six_stages_in_order(demo_home: Path) -> None:
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        rows = con.execute("select stage_id, stage_code from marts.dim_stage order by 1").fetchall()
    assert rows == [(1, "sales"), (2, "formalization"), (3, "implementation"),
                    (4, "operation"), (5, "billing"), (6, "renewal")]


def test_second_refresh_changes_no_mart(demo_copy: Path) -> None:
    from seiton.warehouse.checksums import relation_checksums

    before = relation_checksums(published(demo_copy))
    mtime = published(demo_copy).stat().st_mtime_ns
    run_cli("refresh", "--quiet")
    after = relation_checksums(published(demo_copy))
    assert before == after
    status = json.loads((demo_copy / "refresh_status.json").read_text())
    assert status["last_error"] is None
    # nothing changed in the operational DB: no build, no publish (docs/performance.md)
    assert status["last_plan"]["mode"] == "skip"
    assert published(demo_copy).stat().st_mtime_ns == mtime
    assert status["last_timings"]["build"] == 0.0


def test_a_change_builds_only_what_it_reaches_and_equals_a_full_build(demo_copy: Path) -> None:
    """One collection action: the build selects what collection_actions reach (and the
    audit log), publishes, and every mart equals a full build of the same data."""
    from operational_app.domain import billing
    from operational_app.store.engine import write_session
    from seiton.warehouse.checksums import relation_checksums

    with write_session() as s:
        number = s.execute(text("select max(invoice_number) from invoices")).scalar_one()
        billing.record_collection_action(s, "e2e", invoice_number=number, action_type="call",
                                         action_on="2026-10-31", notes="seguimiento")
    run_cli("refresh", "--quiet")
    status = json.loads((demo_copy / "refresh_status.json").read_text())
    assert status["last_plan"] == {"mode": "selected", "reason": "2 changed source table(s)",
                                   "tables": ["audit_log", "collection_actions"]}
    assert status["pending_tables"] == []
    selected = relation_checksums(published(demo_copy))
    run_cli("refresh", "--quiet", "--full")
    status = json.loads((demo_copy / "refresh_status.json").read_text())
    assert status["last_plan"]["mode"] == "full"
    assert relation_checksums(published(demo_copy)) == selected


def test_second_load_extracts_nothing(demo_copy: Path) -> None:
    from ingestion.pipeline import load

    result = load(f"sqlite:///{demo_copy / 'operational.db'}", demo_copy / "warehouse.duckdb",
                  demo_copy / "dlt_pipelines")
    assert result.total_rows == 0


def test_failed_build_leaves_the_published_warehouse_untouched(demo_copy: Path) -> None:
    """Bad raw data (a duplicated business key) fails dbt's tests: nothing is published."""
    from seiton.cli import main
    from seiton.warehouse.checksums import relation_checksums

    before = relation_checksums(published(demo_copy))
    mtime = published(demo_copy).stat().st_mtime_ns
    with duckdb.connect(str(demo_copy / "warehouse.duckdb")) as con:
        con.execute("insert into raw.accounts select * replace (id + 1000000 as id) "
                    "from raw.accounts limit 1")
    # raw was changed behind the load's back, so only a full build sees it
    assert main(["refresh", "--quiet", "--full"]) != 0
    assert published(demo_copy).stat().st_mtime_ns == mtime
    assert relation_checksums(published(demo_copy)) == before
    status = json.loads((demo_copy / "refresh_status.json").read_text())
    assert "dbt build failed" in status["last_error"]


def test_seiton_sql_answers_on_the_published_warehouse(demo_home: Path, monkeypatch, capsys) -> None:
    from seiton.cli import main

    monkeypatch.setenv("SEITON_HOME", str(demo_home))
    assert main(["sql", "select stage_code from marts.dim_stage order by stage_id",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["stage_code"] for r in rows][:2] == ["sales", "formalization"]
    assert main(["sql", "delete from marts.dim_stage"]) == 1
    assert "only SELECT" in capsys.readouterr().err


def test_the_demos_partial_builds_are_followed_by_a_full_one(demo_home: Path) -> None:
    """The demo's billing run builds only the charges (seiton/warehouse/refresh.py, `only`);
    the refresh after it builds and tests every model, so every mart of the project is
    published and the status shows a full build that finished."""
    status = json.loads((demo_home / "refresh_status.json").read_text())
    assert status["last_plan"]["mode"] == "full"
    assert status["full_build_pending"] is False
    manifest = json.loads((demo_home / "dbt_target" / "manifest.json").read_text())
    marts = {n["name"] for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["schema"] == "marts"
             and n["config"]["materialized"] == "table"}
    with duckdb.connect(str(published(demo_home)), read_only=True) as con:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}
    assert len(marts) > 20
    assert marts <= tables, marts - tables
