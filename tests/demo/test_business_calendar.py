"""The business calendar has one owner (seiton/business_calendar.py, from the `holidays`
package): the committed dbt seed is exactly what the package gives for the seed's years,
the demo's work hours use the same days, and the law's Monday and six-yearly rules hold."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from operational_app.demo import workhours
from seiton import business_calendar as cal
from seiton.config import DBT_PROJECT_DIR, PROJECT_ROOT

SEED = DBT_PROJECT_DIR / "seeds" / "mx_holidays.csv"
SCRIPT = PROJECT_ROOT / "scripts" / "generate_mx_holidays.py"


def _seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_committed_seed_is_what_the_package_gives_for_its_years() -> None:
    rows = _seed_rows()
    years = sorted({int(r["holiday_date"][:4]) for r in rows})
    assert years == list(cal.SEED_YEARS)
    assert rows == cal.holiday_rows(years)
    assert SEED.read_text(encoding="utf-8") == cal.seed_csv(years)  # byte for byte


def test_the_seed_and_the_demo_share_the_same_days() -> None:
    by_year: dict[int, set[date]] = {}
    for r in _seed_rows():
        day = date.fromisoformat(r["holiday_date"])
        by_year.setdefault(day.year, set()).add(day)
    for year, days in by_year.items():
        assert workhours.federal_holidays(year) == days, year


@pytest.mark.parametrize(("day", "name"), [
    (date(2026, 2, 2), "Día de la Constitución"),       # first Monday of February
    (date(2026, 3, 16), "Natalicio de Benito Juárez"),  # third Monday of March
    (date(2026, 11, 16), "Día de la Revolución"),       # third Monday of November
    (date(2026, 9, 16), "Día de la Independencia"),     # fixed
    (date(2024, 10, 1), "Transmisión del Poder Ejecutivo Federal"),  # from 2024: 1 October
    (date(2018, 12, 1), "Transmisión del Poder Ejecutivo Federal"),  # until 2018: 1 December
])
def test_the_law_places_the_days(day: date, name: str) -> None:
    assert day in cal.federal_holidays(day.year)
    assert {r["holiday_date"]: r["name_es"] for r in cal.holiday_rows([day.year])}[
        day.isoformat()] == name
    assert not cal.is_business_day(day) and not workhours.is_business_day(day)


def test_no_transmission_outside_its_years_and_rules_follow_the_dates() -> None:
    rows = cal.holiday_rows(range(2019, 2031))
    transmissions = [r["holiday_date"] for r in rows if r["rule"] == "every six years"]
    assert transmissions == ["2024-10-01", "2030-10-01"]
    fixed: dict[str, set[str]] = {}
    for r in rows:
        day = date.fromisoformat(r["holiday_date"])
        if "Monday" in r["rule"]:
            assert day.weekday() == 0, r
        if r["rule"] == "fixed":
            fixed.setdefault(r["name_es"], set()).add(r["holiday_date"][5:])
        assert r["legal_basis"].startswith("LFT art. 74 "), r
    assert all(len(month_days) == 1 for month_days in fixed.values()), fixed


def test_business_time_skips_a_holiday() -> None:
    """Friday 2026-03-13 17:00 + 2 business hours: Monday 16 is a holiday, so Tuesday 10:00."""
    start = datetime(2026, 3, 13, 17, 0)
    assert workhours.add_business_hours(start, 2) == datetime(2026, 3, 17, 10, 0)
    assert workhours.business_hours_between(start, datetime(2026, 3, 17, 10, 0)) == 2


def test_an_unknown_holiday_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A package update that adds a rest day must not slip into the seed without its basis."""
    real = cal._calendar

    def with_extra(years, language):
        days = real(years, language)
        days[date(2026, 8, 15)] = "Día nuevo" if language == "es" else "New day"
        return days

    monkeypatch.setattr(cal, "_calendar", with_extra)
    with pytest.raises(cal.UnknownHoliday, match="2026-08-15: 'Día nuevo'"):
        cal.holiday_rows([2026])


def test_the_script_checks_and_regenerates(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                              text=True, check=False, timeout=120)

    assert run("--check").returncode == 0  # the committed seed
    edited = tmp_path / "mx_holidays.csv"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("2026-03-16", "2026-03-21"),
                      encoding="utf-8")
    done = run("--check", "--seed", str(edited))
    assert done.returncode == 1 and "run scripts/generate_mx_holidays.py" in done.stderr
    assert run("--seed", str(edited)).returncode == 0
    assert edited.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")
