"""The rules a meter reading obeys, on an in-memory history of one device
(docs/meter-readings.md, docs/domain-rules.md "Meter readings").

One owner for each rule, two callers: `billing.record_meter_reading` (one reading, the
device's history window read from the DB) and `meter_batch.record_meter_readings` (a whole
agent export, every history read once). Both build a `History` and call the same checks, so
a reading gets the same answer — accepted, refused with the same message, held for the same
reason — whichever way it arrives.

- **Fit** (counters never go down on one meter): a reading lies between the readings dated
  just before and just after it on the same meter. A late reading (dated before the
  device's latest one) is accepted when it fits; when it does not, the message names both
  neighbours. A `meter_reset` reading starts a new meter: only the readings after it, up to
  the next replacement, bound it.
- **Hold** (meter validation before billing): a reading is held for review, instead of
  counting for billing, when against the previous reading that counts on the same meter
  its usage per day is over k × the trailing 90-day average or over the model's rated
  monthly volume, when the counters have not moved for more than n days, or when the
  colour counter moves on a mono model.

Only readings that count for billing (`counted`, `approved`) bound a reading: a held one
waits for its decision and bounds nothing, so a wrong spike cannot block the next agent read.
The hold rules judge a reading against the device's previous *actual* reading, held or not
(a rejected one is withdrawn): a genuine change of level — a school's printers after the
holidays — is held once, not on every read until someone decides, and the trailing average
follows the device's readings.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from operational_app.domain import settings
from operational_app.domain.fields import Checker, Refusal
from operational_app.domain.messages import Msg, msg

COUNTING = ("counted", "approved")  # the review statuses billing reads
REVIEW_STATUSES = ("counted", "held", "approved", "rejected")
TRAILING_DAYS = 90  # the spike rule's trailing average
MIN_TRAILING_SPAN = 28  # an average over fewer days is no basis (the estimate's 28 days)

# Thresholds an admin changes without code (docs/configuration.md).
SPIKE_FACTOR = settings.Setting("meter_spike_factor", default="3")
STUCK_DAYS = settings.Setting("meter_stuck_days", default="30")
MISSING_READ_DAYS = settings.Setting("missing_read_days", default="5")


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Thresholds:
    spike_factor: Decimal = Decimal(3)  # k
    stuck_days: int = 30  # n
    missing_read_days: int = 5  # d


def parse_threshold(key: str, raw: object) -> Decimal | int:
    """A threshold's text as its value; ValueError with the reason when it is not valid."""
    text = str(raw).strip() if raw is not None else ""
    if key == SPIKE_FACTOR.key:
        try:
            k = Decimal(text)
        except InvalidOperation:
            raise Refusal("must be a number such as 3 or 2.5, not {text!r}", text=text) from None
        if not k.is_finite() or not Decimal("1.1") <= k <= Decimal(100):
            raise Refusal("must be between 1.1 and 100")
        return k
    limits = {STUCK_DAYS.key: (1, 365), MISSING_READ_DAYS.key: (1, 28)}
    if key not in limits:
        raise Refusal("unknown meter threshold {key!r}", key=key)
    if not text.isdigit():
        raise Refusal("must be a whole number of days, not {text!r}", text=text)
    low, high = limits[key]
    if not low <= int(text) <= high:
        raise Refusal("must be between {low} and {high} days", low=low, high=high)
    return int(text)


def thresholds(session: Session) -> Thresholds:
    """The thresholds in force (environment, stored settings, else the defaults; one query);
    a stored value that no longer parses falls back to the default rather than stopping
    every reading."""
    from sqlalchemy import select

    from operational_app.store.models import AppSetting

    keys = (SPIKE_FACTOR, STUCK_DAYS, MISSING_READ_DAYS)
    found = dict(session.execute(select(AppSetting.key, AppSetting.value).where(
        AppSetting.key.in_([k.key for k in keys]))).all())
    values: dict[str, Decimal | int] = {}
    for setting in keys:
        raw = found.get(setting.key, setting.default)
        if setting.env and os.environ.get(setting.env):
            raw = os.environ[setting.env]
        try:
            values[setting.key] = parse_threshold(setting.key, raw)
        except ValueError:
            values[setting.key] = parse_threshold(setting.key, setting.default)
    return Thresholds(Decimal(values[SPIKE_FACTOR.key]), int(values[STUCK_DAYS.key]),
                      int(values[MISSING_READ_DAYS.key]))


def set_threshold(session: Session, actor: str, *, key: str, value: object) -> object:
    """Store one threshold after checking it (audited like every setting)."""
    v = Checker()
    try:
        parse_threshold(key, value)
    except ValueError as exc:
        v.fail_with(key, exc)
    v.check()
    return settings.set_setting(session, actor, key=key, value=str(value).strip())


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class Point:
    """A reading that counts for billing, or the device's install reading."""

    read_on: date
    reset: bool
    mono: int
    color: int
    is_install: bool = False
    counts: bool = True  # False for a held reading: the hold rules see it, the fit does not

    @property
    def sort_key(self) -> tuple[date, int, int]:
        return order_key(self.read_on, self.reset, install=self.is_install)

    @property
    def starts_meter(self) -> bool:
        return self.is_install or self.reset

    def counter(self, meter: str) -> int:
        return self.mono if meter == "mono" else self.color

    def describe(self, meter: str) -> Msg:
        """"reading of 2025-03-01 (mono 1200)", as a message of its own (translated)."""
        day, counter = self.read_on, self.counter(meter)
        if self.is_install:
            return msg("install counter of {day} ({meter} {counter})", day=day, meter=meter,
                       counter=counter)
        if self.reset:
            return msg("new meter's start of {day} ({meter} {counter})", day=day, meter=meter,
                       counter=counter)
        return msg("reading of {day} ({meter} {counter})", day=day, meter=meter, counter=counter)


def order_key(read_on: date, reset: bool, *, install: bool = False) -> tuple[date, int, int]:
    """Reading order: by date; on one date the install first, and on a replacement day the
    old meter's final read before the new meter's start."""
    return (read_on, 0 if install else 1, 1 if reset else 0)


class History:
    """A contiguous stretch of one device's points in reading order: the whole history, or
    (the single-reading path) a window plus the one point just before it. `window_start`
    bounds what the hold rules may look at; they never need more (see `needed_from`)."""

    def __init__(self, points: list[Point]) -> None:
        self.points = sorted(points, key=lambda p: p.sort_key)
        self._keys = [p.sort_key for p in self.points]
        self._starts = [p.sort_key for p in self.points if p.starts_meter]

    def position(self, read_on: date, reset: bool) -> int:
        return bisect.bisect_left(self._keys, order_key(read_on, reset))

    def neighbours(self, read_on: date, reset: bool) -> tuple[Point | None, Point | None]:
        """The readings that count dated just before and just after (read_on, reset) on its
        meter (held ones skipped: a replacement is never held, so none is skipped over)."""
        key = order_key(read_on, reset)
        pos = bisect.bisect_left(self._keys, key)
        points, keys = self.points, self._keys
        before = None
        if not reset:
            i = pos - 1
            while i >= 0 and not points[i].counts:
                i -= 1
            before = points[i] if i >= 0 else None
        j, n = pos, len(points)
        while j < n and (not points[j].counts or keys[j] == key):
            j += 1
        after = points[j] if j < n and not points[j].starts_meter else None
        return before, after

    def previous(self, read_on: date, reset: bool) -> Point | None:
        """The actual reading (held ones included) or install just before, on its meter."""
        if reset:
            return None
        pos = self.position(read_on, reset)
        return self.points[pos - 1] if pos > 0 else None

    def add(self, point: Point) -> None:
        pos = bisect.bisect_left(self._keys, point.sort_key)
        if pos < len(self._keys) and self._keys[pos] == point.sort_key:
            self.points[pos] = point
            return
        self.points.insert(pos, point)
        self._keys.insert(pos, point.sort_key)
        if point.starts_meter:
            bisect.insort(self._starts, point.sort_key)

    def remove(self, read_on: date, reset: bool) -> None:
        pos = self.position(read_on, reset)
        if pos < len(self._keys) and self._keys[pos] == order_key(read_on, reset):
            if self.points[pos].starts_meter:
                self._starts.remove(self._keys[pos])
            del self.points[pos]
            del self._keys[pos]

    def _meter_start(self, key: tuple[date, int, int]) -> int:
        """Index of the first point of the meter `key` is on (0 when the stretch loaded
        begins inside that meter)."""
        i = bisect.bisect_right(self._starts, key) - 1
        return bisect.bisect_left(self._keys, self._starts[i]) if i >= 0 else 0

    def earliest_since(self, point: Point, since: date) -> Point:
        """The first point on `point`'s meter dated on or after `since` (`point` at worst)."""
        pos = bisect.bisect_left(self._keys, point.sort_key)
        lo = max(self._meter_start(point.sort_key), bisect.bisect_left(self._keys, (since,)))
        return self.points[min(lo, pos)]

    def latest_before(self, point: Point, day: date) -> Point | None:
        """The latest point on `point`'s meter dated before `day`, up to `point` itself."""
        pos = bisect.bisect_left(self._keys, point.sort_key)
        i = min(bisect.bisect_left(self._keys, (day,)) - 1, pos)
        return self.points[i] if i >= self._meter_start(point.sort_key) else None


def needed_from(before: Point, read_on: date, stuck_days: int) -> date:
    """The earliest date the hold rules look at: the trailing window before `before`, and
    the stuck rule's point before `read_on − n`. The single-reading path loads the points
    from this date on, plus the one point before it."""
    return min(before.read_on - timedelta(days=TRAILING_DAYS),
               read_on - timedelta(days=stuck_days)) - timedelta(days=1)


# --------------------------------------------------------------------------- fit


def check_fits(v: Checker, serial: str, before: Point | None, after: Point | None,
               mono: int | None, color: int | None, reset: bool) -> None:
    """Counters never go down on one meter (docs/domain-rules.md, "Meter readings")."""
    for meter, value in (("mono", mono), ("color", color)):
        if value is None:
            continue
        low = before.counter(meter) if before is not None and not reset else None
        high = after.counter(meter) if after is not None else None
        if (low is None or value >= low) and (high is None or value <= high):
            continue
        field = f"{meter}_counter"
        if after is None:
            v.fail(field, "{value} is lower than device {serial}'s previous {meter} counter "
                          "({low}, {where}); if the meter was replaced, record the new meter's "
                          "first reading with {reset_field}=true", value=value, serial=serial,
                   meter=meter, low=low, where=_where(before), reset_field="meter_reset")
        elif before is None or reset:
            v.fail(field, "{value} is above device {serial}'s next {meter} counter on the same "
                          "meter ({later}): a new meter's start cannot exceed its later "
                          "readings", value=value, serial=serial, meter=meter,
                   later=after.describe(meter))
        else:
            v.fail(field, "{value} does not fit between device {serial}'s readings dated just "
                          "before and just after it on the same meter: {earlier} and "
                          "{later}", value=value, serial=serial, earlier=before.describe(meter),
                   later=after.describe(meter))


def _where(point: Point | None) -> Msg:
    if point is None:
        return msg("none")
    return msg("install counter of {day}", day=point.read_on) if point.is_install else \
        msg("reading of {day}", day=point.read_on)


# --------------------------------------------------------------------------- hold


@dataclass(frozen=True)
class ModelInfo:
    """What device_models records of the device's model; nothing when it is not recorded."""

    recorded_mono: bool = False
    rated_monthly_volume: int | None = None


def hold_reasons(history: History, before: Point | None, read_on: date, mono: int,
                 color: int, reset: bool, model: ModelInfo, t: Thresholds) -> list[str]:
    """Why this reading must wait for review; empty when it counts at once. `before` is the
    previous actual reading (`History.previous`). A new meter's start is never held (its
    counters are a fresh meter's, not usage)."""
    if reset or before is None:
        return []
    reasons = []
    if model.recorded_mono and color > before.color:
        reasons.append(f"color_on_mono: the colour counter moved on a mono model "
                       f"({before.color} → {color} since {before.read_on})")
    days = (read_on - before.read_on).days
    if mono == before.mono and color == before.color:
        old = history.latest_before(before, read_on - timedelta(days=t.stuck_days))
        if old is not None and old.mono == mono and old.color == color:
            reasons.append(f"stuck: the counters are the same as on {old.read_on}, more than "
                           f"{t.stuck_days} days earlier, on an active device")
    if days > 0 and mono >= before.mono and color >= before.color:
        used = (mono - before.mono) + (color - before.color)
        first = history.earliest_since(before, before.read_on - timedelta(days=TRAILING_DAYS))
        span = (before.read_on - first.read_on).days
        basis = (before.mono + before.color) - (first.mono + first.color)
        # used/days > k × basis/span, in integers and exact decimals (no float)
        if span >= MIN_TRAILING_SPAN and basis > 0 and used * span > t.spike_factor * basis * days:
            reasons.append(f"spike: {used / days:,.0f} pages a day since {before.read_on}, over "
                           f"{t.spike_factor} × the trailing {TRAILING_DAYS}-day average "
                           f"({basis / span:,.0f} a day)")
        rated = model.rated_monthly_volume
        if rated and used * 30 > rated * days:
            reasons.append(f"over_rated_volume: {used / days:,.0f} pages a day since "
                           f"{before.read_on}, over the model's rated {rated:,} pages a month")
    return reasons


def reason_codes(reason: str | None) -> list[str]:
    """The codes of a stored review reason ('spike: …; stuck: …' → ['spike', 'stuck'])."""
    return [part.split(":", 1)[0].strip() for part in (reason or "").split("; ") if part]
