"""Meter readings, month by month, from each device's usage profile.

Each device has a true lifetime counter that grows every day with its usage (seasonality,
weekdays, holidays, noise). Readings sample it: the agent weekly or daily, technicians by
hand where there is no agent, at the end of a silence, at a meter replacement and at
removal. Silent weeks simply have no reading; a replacement is the old meter's final read
followed the next day by a `meter_reset` read of the new meter's small starting counter.
Readings are generated lazily so the large scales never hold millions of them at once.

At weekly scales a few devices also get the readings the meter review exists for
(docs/meter-readings.md, `plan_anomalies`): a real end-of-year print job (a spike the billing
area approves), a digit too many (a spike it rejects), an agent stuck on old counters (held
after 30 days, rejected), a colour counter moving on a mono model (rejected), and a few in
the last weeks still waiting for review. service.py emits the decisions, through the domain.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from operational_app.demo import params as P
from operational_app.demo.workhours import federal_holidays
from operational_app.demo.world import Device, Read

WEEKDAY_FACTOR = (1.25, 1.25, 1.25, 1.25, 1.25, 0.375, 0.375)  # averages 1.0 over a week
HOLIDAY_FACTOR = 0.3
DAILY_NOISE_SIGMA = 0.35


@dataclass(frozen=True)
class Anomaly:
    kind: str  # job (real spike) | typo (spike) | glitch (colour on mono) | stuck
    day: date  # the agent read it affects (stuck: the first frozen read)
    decision: str | None  # approve | reject | None: still held at the end of the history

    def held_days(self) -> list[date]:
        """The readings the review holds: a stuck agent's after n = 30 days."""
        if self.kind == "stuck":
            return [self.day + timedelta(days=7 * w) for w in range(1, P.STUCK_WEEKS + 1)
                    if 7 * w > 30]
        return [self.day]


def _clear(d: Device, first: date, last: date) -> bool:
    """No silence, replacement or removal near [first, last]: every weekly read exists."""
    margin = timedelta(days=14)
    if any(s - margin <= last and first <= e + margin for s, e, _ in d.silent):
        return False
    if any(first - margin <= r <= last + margin for r in d.replacements):
        return False
    return d.removed_on is None or last + margin < d.removed_on


def plan_anomalies(d: Device, seed: int, every: int, start: date, until: date
                   ) -> list[Anomaly]:
    """The device's anomalous reads, if any: a pure function of the device and the history,
    so the reader (which writes them) and service.py (which decides them) agree. Only agent
    devices read weekly, on agent read days that are not the last of their month (the
    month's closing read, and so the demo's own invoices, stay normal)."""
    if every < 7 or d.manual_only or not d.review_story:
        return []
    rng = random.Random(f"{seed}:anomaly:{d.serial}")
    roll = rng.random()
    late = rng.random() < P.ANOMALY_LATE_P
    kinds = [("job", P.ANOMALY_JOB_P), ("typo", P.ANOMALY_TYPO_P),
             ("glitch", P.ANOMALY_GLITCH_P if not d.is_color else 0.0),
             ("stuck", P.ANOMALY_STUCK_P)]
    kind = None
    for name, share in kinds:
        if roll < share:
            kind = name
            break
        roll -= share
    if kind is None and late:
        kind = "typo"
    if kind is None:
        return []
    earliest = max(start, d.installed_on) + timedelta(days=P.ANOMALY_MIN_HISTORY_DAYS)
    span = timedelta(days=7 * (P.STUCK_WEEKS + 1)) if kind == "stuck" else timedelta(0)
    if late:
        first, last = until - timedelta(days=20), until - timedelta(days=8)
    else:
        first, last = earliest, until - span - timedelta(days=40)
    first = max(first, earliest)
    candidates = []
    day = first + timedelta(days=(d.read_weekday - first.weekday()) % 7)
    while day <= last:
        dim = (_next_month(day.replace(day=1)) - timedelta(days=1)).day
        if day.day <= dim - 7 and _clear(d, day - timedelta(days=7), day + span):
            candidates.append(day)
        day += timedelta(days=7)
    if not candidates:
        return []
    chosen = rng.choice(candidates)
    decision = None if late else ("approve" if kind == "job" else "reject")
    return [Anomaly(kind, chosen, decision)]


class DeviceReader:
    def __init__(self, device: Device, seed: int, read_every_days: int) -> None:
        self.d = device
        self.seed = seed
        self.anomalies: dict[date, Anomaly] | None = None  # planned at the first month

        self.frozen: tuple[int, int] | None = None
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
        if self.anomalies is None:  # called for every month from the history's first on
            self.anomalies = {a.day: a for a in plan_anomalies(
                d, self.seed, self.every, period_start, until)}
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
            reads.append(self._observed(day, source))
        return reads

    def _observed(self, day: date, source: str) -> Read:
        """What the agent reports: the true counters, unless an anomaly is planned."""
        mono, color = int(self.mono), int(self.color)
        anomaly = self._anomaly_at(day)
        if anomaly is not None:
            if anomaly.kind == "job":  # a real print job: the true counter jumps
                extra = int(self.d.monthly_mono * P.ANOMALY_JOB_MONTHS) + 1_000
                self.mono += extra
                mono += extra
            elif anomaly.kind == "typo":  # a digit too many, this read only
                mono = mono * 10 + 7
            elif anomaly.kind == "glitch":  # a mono model reporting colour pages
                color += 150
            elif anomaly.kind == "stuck":
                self.frozen = self.frozen or (mono, color)
                mono, color = self.frozen
        return Read(day, mono, color, False, source)

    def _anomaly_at(self, day: date) -> Anomaly | None:
        for a in (self.anomalies or {}).values():
            if a.kind == "stuck" and a.day <= day <= a.day + timedelta(days=7 * P.STUCK_WEEKS):
                return a
            if a.day == day:
                return a
        return None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_firsts(first: date, last: date) -> list[date]:
    out, cur = [], first.replace(day=1)
    while cur <= last:
        out.append(cur)
        cur = _next_month(cur)
    return out
