"""A KPI target changed in the app, end to end on the small demo (docs/kpis.md, Targets): a
director raises a KPI's target from month M; after the next refresh kpi_monthly judges M
and the months after against the new target, and every month before M keeps the target
and status it had — the past does not move."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from operational_app.domain import fields, kpi_targets
from operational_app.store.engine import write_session
from tests.e2e.conftest import demo_copy, run_cli  # noqa: F401 - the shared demo's copy

pytestmark = [pytest.mark.e2e]

CHANGE_MONTH = date(2026, 8, 1)  # the demo runs through October 2026
NEW_TARGET, NEW_AMBER = "100", "99.9"  # out of reach: every month from M on turns red

MONTHLY = """
select kpi_code, month, value, target, amber, status, target_source
from marts.kpi_monthly order by kpi_code, month
"""


def _kpi_monthly(home: Path) -> dict[tuple[str, date], tuple]:
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return {(r[0], r[1]): r[2:] for r in con.execute(MONTHLY).fetchall()}


def _a_kpi_on_target_after(before: dict) -> str:
    """A higher-is-better % KPI the demo has green or amber in some month from M on."""
    for (code, month), (value, target, _amber, status, _src) in sorted(before.items()):
        if (month >= CHANGE_MONTH and status in ("green", "amber") and value < 99
                and target is not None and target <= 100 and code.endswith(("_rate", "_pct"))
                and code not in ("logo_churn_rate", "overdue_60_pct")):
            return code
    raise AssertionError("the demo has no KPI on target from the change month on")


def test_a_change_from_a_month_moves_that_month_on_and_never_the_past(
        demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    before = _kpi_monthly(demo_copy)
    code = _a_kpi_on_target_after(before)
    monkeypatch.setattr(fields, "today", lambda: date(2026, 8, 10))  # the change is made in M
    with write_session() as s:
        kpi_targets.set_kpi_target(s, "director", kpi_code=code, effective_from=CHANGE_MONTH,
                                   target=NEW_TARGET, amber=NEW_AMBER,
                                   reason="Meta de prueba inalcanzable")
    run_cli("refresh", "--quiet")
    after = _kpi_monthly(demo_copy)

    assert after.keys() == before.keys()
    moved = 0
    for (kpi, month), row in after.items():
        old = before[(kpi, month)]
        if kpi != code or month < CHANGE_MONTH:
            assert row == old, (kpi, month)  # other KPIs and the past: unchanged
            continue
        value, target, amber, status, source = row
        assert (float(target), float(amber), source) == (100.0, 99.9, "set")
        assert value == old[0]  # the value never depends on the target
        if value is not None:
            assert status == "red"
            moved += old[3] != "red"
    assert moved >= 1, "the change moved no status from its month on"
    assert all(before[(code, m)][4] == "default" for (k, m) in before
               if k == code and m < CHANGE_MONTH)
