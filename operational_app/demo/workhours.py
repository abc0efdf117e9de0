"""Business hours for the demo's ticket and delivery times (docs/stages-and-kpis.md: Monday–Friday
09:00–18:00 America/Mexico_City, Mexican federal holidays excluded).

The hours and the holidays come from seiton/business_calendar.py (the `holidays` package),
the same calendar the warehouse's seed is generated from; this module only does the
arithmetic of business time for the generator. Times are naive America/Mexico_City
wall-clock datetimes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# the calendar itself (hours and holidays) has one owner, shared with the dbt seed
from seiton.business_calendar import DAY_END, DAY_START, federal_holidays, is_business_day

__all__ = ["DAY_END", "DAY_START", "add_business_hours", "business_day_on_or_after",
           "business_hours_between", "federal_holidays", "is_business_day",
           "next_business_moment"]


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
