"""Small date helpers and weighted draws shared by the demo planners."""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar

K = TypeVar("K")


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, months: int) -> date:
    """Last day of a term of `months` starting on `start`."""
    return add_months(start, months) - timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    return add_months(day.replace(day=1), 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_starts(first: date, last: date) -> list[date]:
    """First days of the months from `first`'s month to `last`'s month."""
    out, cur = [], month_start(first)
    while cur <= last:
        out.append(cur)
        cur = next_month_start(cur)
    return out


def plan_start_for(day: date) -> date:
    """The first plan period wholly after a term boundary: `day` itself if it is the 1st."""
    return day if day.day == 1 else next_month_start(day)


def weighted(rng: random.Random, mapping: Mapping[K, float]) -> K:
    keys = list(mapping)
    return rng.choices(keys, weights=[mapping[k] for k in keys])[0]


def pick(rng: random.Random, seq: Sequence[K]) -> K:
    return seq[rng.randrange(len(seq))]


def rand_date(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def days(n: float) -> timedelta:
    return timedelta(days=int(n))


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method (small means) or a rounded normal (large)."""
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def at_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 30.44
