"""The directors' monthly pack (docs/kpis.md, "Monthly pack") on a small hand-made
warehouse: stage health counts, the status changes since the month before, each red KPI's
three heaviest records by the documented rule, and the same content as a PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from .conftest import build_published_warehouse, insert, open_page

OCTOBER, SEPTEMBER = date(2026, 10, 1), date(2026, 9, 1)
# sales_cycle_days (lower is better), red in October: the longest cycles weigh most
CYCLES = [("OP-C1", 30), ("OP-C2", 120), ("OP-C3", 75), ("OP-C4", 90), ("OP-C5", 60)]
# win_rate (higher is better), red in October: every lost opportunity weighs 1 (a shortfall
# of 1), the latest first
WINS = [("OP-W1", date(2026, 10, 2), 1), ("OP-W2", date(2026, 10, 5), 0),
        ("OP-W3", date(2026, 10, 9), 0), ("OP-W4", date(2026, 10, 20), 1),
        ("OP-W5", date(2026, 10, 25), 0), ("OP-W6", date(2026, 10, 28), 0)]


@pytest.fixture
def pack_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    build_published_warehouse(home / "warehouse.published.duckdb")
    with duckdb.connect(str(home / "warehouse.published.duckdb")) as con:
        con.execute("update marts.kpi_monthly set status = 'green', value = 40 "
                    "where kpi_code in ('win_rate', 'sales_cycle_days') and month = ?",
                    [SEPTEMBER])
        con.execute("update marts.kpi_monthly set status = 'red', value = 33.3333 "
                    "where kpi_code = 'win_rate' and month = ?", [OCTOBER])
        con.execute("update marts.kpi_monthly set status = 'red', value = 75 "
                    "where kpi_code = 'sales_cycle_days' and month = ?", [OCTOBER])
        con.execute("delete from marts.fct_kpi_records")
        insert(con, "fct_kpi_records", [
            {"stage_code": "sales", "kpi_code": "sales_cycle_days", "month": OCTOBER,
             "record_type": "opportunity", "record_key": key, "record_date": date(2026, 10, 10),
             "account_code": "CLI-1", "numerator": days, "denominator": 1,
             "detail": f"won after {days} days"} for key, days in CYCLES] + [
            {"stage_code": "sales", "kpi_code": "win_rate", "month": OCTOBER,
             "record_type": "opportunity", "record_key": key, "record_date": day,
             "account_code": "CLI-2", "numerator": won, "denominator": 1,
             "detail": "won" if won else "lost: precio"} for key, day, won in WINS])
    monkeypatch.setenv("SEITON_HOME", str(home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    return home


def _expected_changes(home: Path) -> set[str]:
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return {r[0] for r in con.execute("""
            select now.kpi_name_es
            from marts.kpi_monthly as now
            inner join marts.kpi_monthly as before
                on before.kpi_code = now.kpi_code and before.month = ?
            where now.month = ? and now.status is distinct from before.status
        """, [SEPTEMBER, OCTOBER]).fetchall()}


def _frame(at, first_column: str, containing: str | None = None):
    for df in at.dataframe:
        value = df.value
        if value.columns[0] == first_column and (
                containing is None or containing in value.to_string()):
            return value
    raise AssertionError(f"no table starting with {first_column!r}")


def test_the_pack_shows_health_changes_and_the_heaviest_records(pack_home: Path) -> None:
    at = open_page("informe-mensual", query={"month": "2026-10"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Informe mensual de dirección"
    health = _frame(at, "Etapa")
    assert list(health["Etapa"])[0] == "1 · Atracción y venta"
    assert health[["En meta", "En alerta", "Fuera de meta", "Sin meta o sin dato"]].to_numpy(
        ).sum() == 32  # every KPI, once
    changes = _frame(at, "Indicador")
    assert set(changes["Indicador"]) == _expected_changes(pack_home)
    win = changes[changes["Indicador"] == "Tasa de cierre"].iloc[0]
    assert (win["Antes"], win["Ahora"]) == ("En meta", "Fuera de meta")

    cycles = _frame(at, "Registro", "won after")
    assert list(cycles["Registro"]) == ["OP-C2", "OP-C4", "OP-C3"]  # 120, 90, 75 days
    wins = _frame(at, "Registro", "lost: precio")
    assert list(wins["Registro"]) == ["OP-W6", "OP-W5", "OP-W3"]  # lost, latest first


def test_the_pdf_holds_the_same_content(pack_home: Path) -> None:
    at = open_page("informe-mensual", query={"month": "2026-10"})
    button = next(b for b in at.get("download_button") if b.proto.label == "Descargar PDF")
    assert button.proto.label == "Descargar PDF"
    from dashboards.pages import monthly_pack

    content = monthly_pack.pack(OCTOBER)
    pdf = monthly_pack.build_pdf(OCTOBER, content)
    assert pdf.startswith(b"%PDF")
    for text in (b"Informe mensual de direcci", b"OP-C2", b"OP-W6", b"Tasa de cierre"):
        assert text in pdf, text
    assert b"OP-C1" not in pdf  # the fourth and fifth records are not the three heaviest
