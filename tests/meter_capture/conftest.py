"""Fixtures for the meter-capture tests: a dealer with four billed devices and twelve weeks
of agent readings, in a fresh SEITON_HOME; exports are generated per test (exports.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table

from operational_app.domain import billing, fields
from operational_app.store.engine import write_session
from operational_app.store.migrate import upgrade

TODAY = date(2026, 6, 30)
INSTALLED = date(2026, 1, 10)
SERIALS = ("SN1", "SN2", "SN3", "SN4")
WEEKS = 12


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(fields, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def url(seiton_home: Path) -> str:
    from domain.conftest import Builder

    from seiton.config import load_settings

    url = load_settings().operational_url
    upgrade(url)
    with write_session(url) as session:
        mk = Builder(session)
        mk.world()
        for serial in SERIALS[1:]:
            mk.device(serial)
        for serial in SERIALS:
            for week in range(1, WEEKS + 1):  # 100 mono and 10 colour pages a day
                billing.record_meter_reading(
                    session, "agente", serial=serial, read_on=INSTALLED + timedelta(weeks=week),
                    mono_counter=1000 + 700 * week, color_counter=200 + 70 * week)
    return url


def last_read() -> date:
    return INSTALLED + timedelta(weeks=WEEKS)


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        names = sorted(inspect(engine).get_table_names())
        with engine.connect() as con:
            return {n: con.execute(select(func.count()).select_from(table(n))).scalar_one()
                    for n in names}
    finally:
        engine.dispose()
