"""Meter readings, month by month, from each device's usage profile.

Each device has a true lifetime counter that grows every day with its usage (seasonality,
weekdays, holidays, noise). Readings sample it: the agent weekly or daily, technicians by
hand where there is no agent, at the end of a silence, at a meter replacement and at
removal. Silent weeks simply have no reading; a replacement is the old meter's final read
followed the next day by a `meter_reset` read of the new meter's small starting counter.
Readings are generated lazily so the large scales never hold millions of them at once.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from operational_app.demo import params as P
from operational_app.demo.charges import Read
from operational_app.demo.workhours import federal_holidays
from operational_app.demo.world import Device

WEEKDAY_FACTOR = (1.25, 1.25, 1.25, 1.25, 1.25, 0.375, 0.375)  # averages 1.0 over a week
HOLIDAY_FACTOR = 0.3
DAILY_NOISE_SIGMA = 0.35


class DeviceReader:
    def __init__(self, device: Device, seed: int, read_every_days: int) -> None:
        self.d = device
        self.rng = random.Random(f"{seed}:reads:{device.serial}")
        self.every = read_every_days
        self.mono = float(device.install_mono)
        self.color = float(device.install_color)
        self.truth_day = device.installed_on
        segment = device.contract.account.segment
        self.season = {**P.SEASONALITY_DEFAULT, **P.SEASONALITY_BY_SEGMENT.get(segment, {})}
        self.sigma = P.USAGE_WEEKLY_NOISE_SIGMA if read_every_days >= 7 else DAILY_NOISE_SIGMA
        self.replaced_next: dict[date, tuple[int, int]] = {}
        for day in device.replacements:
            start = self.rng.randint(*P.NEW_METER_START)
            self.replaced_next[day + timedelta(days=1)] = (
                start, self.rng.randint(0, start // 3) if device.is_color else 0)

    # -- the true counters

    def _advance(self, to: date) -> None:
        if to <= self.truth_day:
            return
        noise = math.exp(self.rng.gauss(0, self.sigma) - self.sigma * self.sigma / 2)
        day = self.truth_day + timedelta(days=1)
        mono = color = 0.0
        while day <= to:
            f = self.season.get(day.month, 1.0) * WEEKDAY_FACTOR[day.weekday()] * 12 / 365
            if day in federal_holidays(day.year):
                f *= HOLIDAY_FACTOR
            mono += self.d.monthly_mono * f
            color += self.d.monthly_color * f
            day += timedelta(days=1)
        self.mono += mono * noise
        self.color += color * noise
        self.truth_day = to

    # -- which days have a reading

    def _silent(self, day: date) -> bool:
        return any(s <= day <= e for s, e, _ in self.d.silent)

    def _read_days(self, first: date, last: date) -> dict[date, str]:
        d = self.d
        out: dict[date, str] = {}
        if d.manual_only:
            for month_first in _month_firsts(first, last):
                dim = (_next_month(month_first) - timedelta(days=1)).day
                day = month_first.replace(day=min(d.manual_day, dim))
                if first <= day <= last:
                    out[day] = "manual"
        else:
            day = first
            if self.every >= 7:
                day += timedelta(days=(d.read_weekday - first.weekday()) % 7)
            while day <= last:
                if not self._silent(day):
                    out[day] = "agent"
                day += timedelta(days=self.every)
        for _s, e, manual in d.silent:
            if manual and first <= e <= last:
                out[e] = "manual"
        for r in d.replacements:
            out.pop(r + timedelta(days=1), None)
            if first <= r <= last:
                out[r] = "manual"
        if d.removed_on is not None and first <= d.removed_on <= last:
            out[d.removed_on] = "manual"
        return out

    def month(self, period_start: date, period_end: date, until: date) -> list[Read]:
        """The device's readings dated in [period_start, period_end], up to `until`."""
        d = self.d
        first = max(period_start, d.installed_on + timedelta(days=1))
        last = min(period_end, until, d.removed_on or until)
        if last < first:
            return []
        days = self._read_days(first, last)
        for reset_day in self.replaced_next:
            if first <= reset_day <= last:
                days[reset_day] = "reset"
        reads: list[Read] = []
        for day in sorted(days):
            source = days[day]
            if source == "reset":
                mono0, color0 = self.replaced_next[day]
                self.mono, self.color, self.truth_day = float(mono0), float(color0), day
                reads.append(Read(day, mono0, color0, True, "manual"))
                continue
            self._advance(day)
            reads.append(Read(day, int(self.mono), int(self.color), False, source))
        return reads


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_firsts(first: date, last: date) -> list[date]:
    out, cur = [], first.replace(day=1)
    while cur <= last:
        out.append(cur)
        cur = _next_month(cur)
    return out
