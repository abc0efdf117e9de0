"""Business hours for the demo's ticket and delivery times (docs/value-chain.md: Monday–Friday
09:00–18:00 America/Mexico_City, Mexican federal holidays excluded).

Only the generator's approximation of when people work: the warehouse keeps its own,
changeable calendar. Times are naive America/Mexico_City wall-clock datetimes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

DAY_START = time(9, 0)
DAY_END = time(18, 0)


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (7 - first.weekday()) % 7  # days to the first Monday
    return first + timedelta(days=offset + 7 * (n - 1))


@cache
def federal_holidays(year: int) -> frozenset[date]:
    """Ley Federal del Trabajo art. 74 rest days (election days left out)."""
    days = {
        date(year, 1, 1),
        _nth_monday(year, 2, 1),  # Constitución
        _nth_monday(year, 3, 3),  # Natalicio de Benito Juárez
        date(year, 5, 1),
        date(year, 9, 16),
        _nth_monday(year, 11, 3),  # Revolución
        date(year, 12, 25),
    }
    if (year - 2024) % 6 == 0:
        days.add(date(year, 10, 1))  # transmisión del Poder Ejecutivo Federal
    return frozenset(days)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def next_business_moment(moment: datetime) -> datetime:
    """The moment itself if inside business hours, else the next opening."""
    day = moment.date()
    if is_business_day(day) and DAY_START <= moment.time() < DAY_END:
        return moment
    if is_business_day(day) and moment.time() < DAY_START:
        return datetime.combine(day, DAY_START)
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, DAY_START)


def add_business_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` business hours after `start` (rounded to the minute)."""
    remaining = timedelta(minutes=round(hours * 60))
    moment = next_business_moment(start)
    while True:
        end_of_day = datetime.combine(moment.date(), DAY_END)
        available = end_of_day - moment
        if remaining <= available:
            return (moment + remaining).replace(second=0, microsecond=0)
        remaining -= available
        moment = next_business_moment(end_of_day)


def business_hours_between(start: datetime, end: datetime) -> float:
    """Business hours elapsed from `start` to `end` (0 if end is not after start)."""
    total = timedelta()
    moment = next_business_moment(start)
    while moment < end:
        end_of_day = datetime.combine(moment.date(), DAY_END)
        total += min(end, end_of_day) - moment
        moment = next_business_moment(end_of_day)
    return total.total_seconds() / 3600


def business_day_on_or_after(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
