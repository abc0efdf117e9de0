"""A write asks for a refresh; the serve loop answers once writes pause (debounced)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seiton.warehouse.freshness import Debouncer, requested_at


def test_a_burst_of_writes_gives_one_refresh_after_the_quiet_time() -> None:
    d = Debouncer(quiet=5, max_delay=30)
    assert not d.due(None, 100)  # nothing asked
    assert not d.due(100.0, 101)  # a write, one second ago
    assert not d.due(103.0, 104)  # more writes keep it waiting
    assert d.due(103.0, 108)  # five quiet seconds
    d.started(103.0)
    assert not d.due(103.0, 109)  # answered: no second refresh for the same burst


def test_a_steady_stream_of_writes_still_refreshes_within_the_maximum_delay() -> None:
    d = Debouncer(quiet=5, max_delay=30)
    now, refreshes = 0.0, 0
    for second in range(65):
        now = float(second)
        if d.due(now - 0.5, now):  # a write every second, never 5 quiet seconds
            d.started(now - 0.5)
            refreshes += 1
    assert refreshes == 2  # at 30 s and 61 s


def test_a_write_during_a_refresh_asks_for_another() -> None:
    d = Debouncer(quiet=5, max_delay=30)
    assert d.due(10.0, 16)
    d.started(10.0)
    assert not d.due(10.0, 17)
    assert not d.due(17.0, 18)  # written while the refresh ran
    assert d.due(17.0, 22)


def test_a_committed_write_touches_the_marker_and_a_refused_one_does_not(
        seiton_home: Path) -> None:
    from operational_app.domain import sales
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session
    from operational_app.store.migrate import upgrade
    from seiton.config import load_settings

    upgrade(load_settings().operational_url)
    assert requested_at(seiton_home) is None
    with pytest.raises(ValidationError), write_session() as s:
        sales.create_account(s, "t", account_code="", name="X", tax_rate="0.16")
    assert requested_at(seiton_home) is None
    with write_session() as s:
        sales.create_account(s, "t", account_code="C-1", name="Cliente", tax_rate="0.16")
    assert requested_at(seiton_home) is not None


def test_every_page_says_how_old_its_data_is() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from seiton.webapp.layout import data_age

    now = datetime(2026, 12, 3, 10, 30, tzinfo=ZoneInfo("America/Mexico_City"))
    status = {"last_success_at": "2026-12-03T16:21:00+00:00"}  # 10:21 in Mexico City
    assert data_age(status, None, now) == "Datos: de hace 9 min (2026-12-03 10:21)"
    pending = datetime(2026, 12, 3, 16, 25, tzinfo=ZoneInfo("UTC")).timestamp()
    assert data_age(status, pending, now).endswith("· actualización en camino")
    assert data_age({}, None, now) == "Aún no hay datos publicados"
