"""The business calendar: Monday–Friday 09:00–18:00 America/Mexico_City, Mexican federal
holidays excluded (docs/kpis.md, "Business hours (SLA clocks)").

The one owner of the holidays in Python. The dates come from the `holidays` package (its
`Mexico` calendar: the mandatory rest days of the Ley Federal del Trabajo, art. 74, with the
Monday rule since 2006 and the six-yearly transmission of the executive on 1 December until
2018 and on 1 October from 2024), never typed by hand. The demo generator places its work
times with it (operational_app/demo/workhours.py), and the warehouse's changeable calendar,
the dbt seed `mx_holidays.csv`, is generated from it:

    python scripts/generate_mx_holidays.py          # rewrite dbt_project/seeds/mx_holidays.csv
    python scripts/generate_mx_holidays.py --check  # exit 1 if the seed differs

The module is not named `calendar`: a file of that name would shadow the standard library's
for any script run from this folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, time
from functools import cache

import holidays

DAY_START = time(9, 0)
DAY_END = time(18, 0)

# The years the dbt seed covers (the warehouse's calendar spans the data's years).
SEED_YEARS = range(2020, 2031)
SEED_COLUMNS = ("holiday_date", "name_es", "name_en", "rule", "legal_basis")

# The fraction of LFT art. 74 behind each rest day, by its Spanish name in the package (IX,
# election days, fall on Sundays and are not in the package's public calendar).
LEGAL_BASIS = {
    "Año Nuevo": "LFT art. 74 I",
    "Día de la Constitución": "LFT art. 74 II",
    "Natalicio de Benito Juárez": "LFT art. 74 III",
    "Día del Trabajo": "LFT art. 74 IV",
    "Día de la Independencia": "LFT art. 74 V",
    "Día de la Revolución": "LFT art. 74 VI",
    "Transmisión del Poder Ejecutivo Federal": "LFT art. 74 VII",
    "Navidad": "LFT art. 74 VIII",
}
# Rest days the law moves to a Monday (since 2006); the others keep their date.
MONDAY_MOVED = {"Día de la Constitución", "Natalicio de Benito Juárez", "Día de la Revolución"}
SIX_YEARLY = {"Transmisión del Poder Ejecutivo Federal"}
_ORDINALS = ("first", "second", "third", "fourth", "fifth")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # not strftime: locale-free


class UnknownHoliday(ValueError):
    """The package named a holiday this module has no legal basis for (a package update
    or a change in the law): add it to LEGAL_BASIS before regenerating the seed."""


def _calendar(years: Iterable[int], language: str) -> dict[date, str]:
    return dict(holidays.Mexico(years=list(years), language=language, categories="public"))


@cache
def federal_holidays(year: int) -> frozenset[date]:
    """The federal mandatory rest days of `year`."""
    return frozenset(_calendar([year], "es"))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def _rule(day: date, name_es: str) -> str:
    if name_es in SIX_YEARLY:
        return "every six years"
    if name_es in MONDAY_MOVED and day.weekday() == 0:
        return f"{_ORDINALS[(day.day - 1) // 7]} Monday of {_MONTHS[day.month - 1]}"
    return "fixed"


def holiday_rows(years: Iterable[int] = SEED_YEARS) -> list[dict[str, str]]:
    """The seed's rows for `years`, by date: the package's Spanish and English names, the
    rule that places the day and its legal basis."""
    years = list(years)
    names_es, names_en = _calendar(years, "es"), _calendar(years, "en_US")
    rows = []
    for day in sorted(names_es):
        name_es = names_es[day]
        if name_es not in LEGAL_BASIS:
            raise UnknownHoliday(f"{day}: {name_es!r} has no legal basis in {__name__}")
        rows.append({"holiday_date": day.isoformat(), "name_es": name_es,
                     "name_en": names_en[day], "rule": _rule(day, name_es),
                     "legal_basis": LEGAL_BASIS[name_es]})
    return rows


def seed_csv(years: Iterable[int] = SEED_YEARS) -> str:
    """The text of dbt_project/seeds/mx_holidays.csv."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SEED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(holiday_rows(years))
    return out.getvalue()
