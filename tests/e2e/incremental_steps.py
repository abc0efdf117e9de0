"""The changes tests/e2e/test_incremental_models.py makes to a business between refreshes,
each through the domain functions (as the app writes them). Run in a child process:
`python -m tests.e2e.incremental_steps URL STEP…` (its own engines, as a user's session).

Every step picks its device or contract from the data, so it works on the tiny demo and on
the small PostgreSQL business alike; a step that finds nothing to change says so.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta

from sqlalchemy import text

from operational_app.store.engine import read_session, write_session

ACTOR = "operacion"
# counting readings, oldest first, per device (a held or withdrawn reading bounds nothing)
_READINGS = (
    "select d.serial, r.read_on, r.mono_counter, r.color_counter, r.meter_reset "
    "from meter_readings r join devices d on d.id = r.device_id "
    "where r.deleted_at is null and r.review_status in ('counted', 'approved') "
    "order by d.serial, r.read_on, r.meter_reset, r.id"
)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _histories(url: str) -> dict[str, list[tuple]]:
    with read_session(url) as s:
        rows = s.execute(text(_READINGS)).all()
    out: dict[str, list[tuple]] = {}
    for serial, read_on, mono, color, reset in rows:
        out.setdefault(serial, []).append((_day(read_on), int(mono), int(color), bool(reset)))
    return out


def _pick(url: str, nth: int, min_readings: int = 3) -> tuple[str, list[tuple]]:
    """The nth device (by serial) with at least `min_readings` counting readings."""
    devices = [(k, v) for k, v in sorted(_histories(url).items()) if len(v) >= min_readings]
    return devices[nth % len(devices)]


def late(url: str) -> str:
    """A reading for an old period, between two readings of the same meter."""
    from operational_app.domain import billing

    serial, history = _pick(url, 0)
    for before, after in zip(history, history[1:], strict=False):
        if after[3] or (after[0] - before[0]).days < 2:
            continue
        day = before[0] + timedelta(days=(after[0] - before[0]).days // 2)
        with write_session(url) as s:
            billing.record_meter_reading(
                s, ACTOR, serial=serial, read_on=day,
                mono_counter=(before[1] + after[1]) // 2,
                color_counter=(before[2] + after[2]) // 2, source="manual", review=False)
        return f"late reading {serial} {day}"
    return "late: no gap found"


def correct(url: str) -> str:
    """The latest reading corrected: withdrawn, then recorded again with other counters —
    the same row is revived and updated (operational_app/domain/billing.py)."""
    from operational_app.domain import billing

    serial, history = _pick(url, 1)
    day, mono, color, reset = history[-1]
    with write_session(url) as s:
        billing.withdraw_meter_reading(s, ACTOR, serial=serial, read_on=day, meter_reset=reset)
    with write_session(url) as s:
        billing.record_meter_reading(s, ACTOR, serial=serial, read_on=day, mono_counter=mono + 37,
                                     color_counter=color, meter_reset=reset, source="manual",
                                     review=False)
    return f"corrected {serial} {day}"


def withdraw(url: str) -> str:
    """A device's latest reading withdrawn (a soft delete)."""
    from operational_app.domain import billing

    serial, history = _pick(url, 2)
    day, _, _, reset = history[-1]
    with write_session(url) as s:
        billing.withdraw_meter_reading(s, ACTOR, serial=serial, read_on=day, meter_reset=reset)
    return f"withdrew {serial} {day}"


def held(url: str) -> str:
    """A held reading approved: from now on it counts for billing."""
    from operational_app.domain import billing

    with read_session(url) as s:
        row = s.execute(text(
            "select d.serial, r.read_on, r.meter_reset from meter_readings r "
            "join devices d on d.id = r.device_id "
            "where r.deleted_at is null and r.review_status = 'held' "
            "order by r.read_on, d.serial limit 1")).first()
    if row is None:
        return "held: none held"
    try:
        with write_session(url) as s:
            billing.approve_meter_reading(s, ACTOR, serial=row[0], read_on=_day(row[1]),
                                          meter_reset=bool(row[2]), note="checked")
        return f"approved {row[0]} {_day(row[1])}"
    except Exception:  # noqa: BLE001 - no longer fits: the billing area rejects it instead
        with write_session(url) as s:
            billing.reject_meter_reading(s, ACTOR, serial=row[0], read_on=_day(row[1]),
                                         meter_reset=bool(row[2]), note="does not fit")
        return f"rejected {row[0]} {_day(row[1])}"


def replace(url: str) -> str:
    """A meter replacement: the new meter's first reading (meter_reset) the day after the
    device's latest reading, and a reading of the new meter a few days later."""
    from operational_app.domain import billing

    serial, history = _pick(url, 3)
    day = history[-1][0] + timedelta(days=1)
    color = 20 if history[-1][2] else 0
    with write_session(url) as s:
        billing.record_meter_reading(s, ACTOR, serial=serial, read_on=day, mono_counter=100,
                                     color_counter=color, meter_reset=True, source="manual",
                                     review=False)
    with write_session(url) as s:
        billing.record_meter_reading(s, ACTOR, serial=serial, read_on=day + timedelta(days=3),
                                     mono_counter=400, color_counter=color * 2,
                                     source="manual", review=False)
    return f"replaced the meter of {serial} on {day}"


def plan(url: str) -> str:
    """A new price plan in force from an earlier month: the charges of that month onward
    change, the usage does not."""
    from operational_app.domain import formalization

    with read_session(url) as s:
        numbers = s.execute(text(
            "select contract_number from contracts "
            "where activated_on is not null and closed_on is null "
            "order by contract_number")).scalars().all()
        last = _day(s.execute(text("select max(read_on) from meter_readings")).scalar_one())
    for number in numbers:
        for back in (2, 3, 4, 5):
            month = date(last.year, last.month, 1)
            for _ in range(back):
                month = (month - timedelta(days=1)).replace(day=1)
            try:
                with write_session(url) as s:
                    formalization.add_price_plan(
                        s, ACTOR, contract_number=number, effective_from=month,
                        fixed_monthly_fee="3100.00", included_mono_pages=1500,
                        included_color_pages=300, mono_rate="0.17", color_rate="1.35")
            except Exception:  # noqa: BLE001, S112 - a plan exists then, or out of term
                continue
            return f"new plan of {number} from {month}"
    return "plan: no contract took a new plan"


def newday(url: str) -> str:
    """One new business day (bench/newday.py): a reading per active device, tickets, payments."""
    from bench.newday import append_day

    return f"new day: {append_day(url)}"


STEPS = {f.__name__: f for f in (late, correct, withdraw, held, replace, plan, newday)}


if __name__ == "__main__":
    target = sys.argv[1]
    print(json.dumps([STEPS[name](target) for name in sys.argv[2:]]))
