"""Meter validation before billing (docs/meter-readings.md): held readings, the billing
area's decision, thresholds as settings — and the batch path answering exactly as the
single-reading path does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from operational_app.domain import billing, lookups, meter_batch, meter_rules
from operational_app.domain.errors import ValidationError
from operational_app.store.models import AuditLog, MeterReading

from .conftest import ACTOR, refused

START = date(2026, 1, 10)  # SN1's install: counters 1000 / 200


def weekly(session, weeks: int, per_day: int = 100, color_per_day: int = 10):
    """Weekly readings from the install on, steady usage; returns the last counters."""
    mono, color = 1000, 200
    for week in range(1, weeks + 1):
        mono, color = mono + 7 * per_day, color + 7 * color_per_day
        r = billing.record_meter_reading(session, ACTOR, serial="SN1",
                                         read_on=START + timedelta(days=7 * week),
                                         mono_counter=mono, color_counter=color)
        assert r.review_status == "counted", r.review_reason
    return START + timedelta(days=7 * weeks), mono, color


def read(session, on, mono, color, **kw):
    return billing.record_meter_reading(session, ACTOR, serial="SN1", read_on=on,
                                        mono_counter=mono, color_counter=color, **kw)


@pytest.fixture
def device(mk):
    mk.world()


def test_a_spike_is_held_and_does_not_count(device, session):
    last, mono, color = weekly(session, 8)
    spike = read(session, last + timedelta(days=7), mono + 7 * 1000, color + 70)
    assert spike.review_status == "held"
    assert meter_rules.reason_codes(spike.review_reason) == ["spike"]
    assert "over 3 × the trailing 90-day average" in spike.review_reason
    assert lookups.latest_meter_reading(session, spike.device_id).read_on == last
    # the next agent read is checked against what counts, not against the held spike
    nxt = read(session, last + timedelta(days=14), mono + 1400, color + 140)
    assert nxt.review_status == "counted"


def test_without_review_history_counts_as_it_is(device, session):
    last, mono, color = weekly(session, 8)
    r = read(session, last + timedelta(days=7), mono + 7000, color, review=False)
    assert r.review_status == "counted" and r.review_reason is None


def test_approve_counts_from_then_on_and_is_audited(device, session):
    last, mono, color = weekly(session, 8)
    read(session, last + timedelta(days=7), mono + 7000, color + 70)
    ok = billing.approve_meter_reading(session, "revisor", serial="SN1",
                                       read_on=last + timedelta(days=7), note="tiraje de fin de año")
    assert (ok.review_status, ok.decided_by, ok.review_note) == (
        "approved", "revisor", "tiraje de fin de año")
    assert ok.decided_at is not None
    assert lookups.latest_meter_reading(session, ok.device_id) is ok
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "approve")).one()
    assert entry.username == "revisor" and '"review_status": "held"' in entry.before_json
    refused(session, billing.approve_meter_reading, "read_on", "not held",
            serial="SN1", read_on=last + timedelta(days=7))


def test_approval_refused_when_a_later_reading_no_longer_fits(device, session):
    last, mono, color = weekly(session, 8)
    read(session, last + timedelta(days=7), mono + 70_000, color + 70)  # a typo
    read(session, last + timedelta(days=14), mono + 1400, color + 140)  # counts
    err = refused(session, billing.approve_meter_reading, "mono_counter", "reject the reading",
                  serial="SN1", read_on=last + timedelta(days=7))
    assert str(last + timedelta(days=14)) in str(err)


def test_reject_withdraws_with_a_reason(device, session):
    last, mono, color = weekly(session, 8)
    read(session, last + timedelta(days=7), mono + 70_000, color + 70)
    refused(session, billing.reject_meter_reading, "note", "required",
            serial="SN1", read_on=last + timedelta(days=7))
    row = billing.reject_meter_reading(session, "revisor", serial="SN1",
                                       read_on=last + timedelta(days=7), note="dígito de más")
    assert row.review_status == "rejected" and row.deleted_at is not None
    assert row.review_note == "dígito de más" and row.decided_by == "revisor"
    assert session.scalars(select(AuditLog).where(AuditLog.action == "reject")).one()


def test_stuck_counters_are_held_after_n_days(device, session):
    last, mono, color = weekly(session, 4)
    for week in range(1, 6):  # the same counters for 5 more weeks
        r = read(session, last + timedelta(days=7 * week), mono, color)
        held = 7 * week > 30
        assert (r.review_status == "held") is held, (week, r.review_reason)
    assert "stuck" in r.review_reason and str(last) in r.review_reason


def test_colour_moving_on_a_recorded_mono_model_is_held(device, session):
    billing.set_device_model(session, ACTOR, model="Mono 4000", is_color=False)
    session.get(type(lookups.find_device(session, "SN1")),
                lookups.find_device(session, "SN1").id).model = "Mono 4000"
    r = read(session, "2026-01-20", 1500, 201)
    assert r.review_status == "held" and r.review_reason.startswith("color_on_mono")
    assert read(session, "2026-01-27", 2000, 200).review_status == "counted"


def test_over_the_rated_monthly_volume_is_held(device, session):
    billing.set_device_model(session, ACTOR, model="Small 3000", is_color=True,
                             rated_monthly_volume=3000)
    lookups.find_device(session, "SN1").model = "Small 3000"
    assert read(session, "2026-01-20", 1900, 210).review_status == "counted"  # 91/day
    r = read(session, "2026-01-30", 3900, 220)  # 201 pages a day > 3000 a month
    assert meter_rules.reason_codes(r.review_reason) == ["over_rated_volume"]


def test_thresholds_are_settings(device, session):
    last, mono, color = weekly(session, 8)
    meter_rules.set_threshold(session, ACTOR, key="meter_spike_factor", value="20")
    assert meter_rules.thresholds(session).spike_factor == 20
    r = read(session, last + timedelta(days=7), mono + 7000, color + 70)
    assert r.review_status == "counted"
    for key, value, why in (("meter_spike_factor", "0.5", "between"),
                            ("meter_stuck_days", "treinta", "whole number"),
                            ("missing_read_days", "40", "between")):
        refused(session, meter_rules.set_threshold, key, why, key=key, value=value)


# ------------------------------------------------------------------ one owner, two paths

SCRIPT = [  # (day offset, mono, color, reset) after 8 steady weeks ending at 6,600 / 760
    (3, 6900, 790, False),  # after the last; normal
    (-10, 5500, 650, False),  # a late reading that fits (5,200–5,900 / 620–690)
    (-10, 5400, 650, False),  # the same key again: already exists
    (-4, 6700, 700, False),  # late, does not fit (mono above the next, 6,600)
    (10, 30000, 1000, False),  # spike: held
    (17, 8300, 930, False),  # counts (the spike bounds nothing)
    (18, 8200, 930, False),  # lower than the previous: refused
    (20, 5, 0, True),  # a new meter
    (22, 4, 0, False),  # below the new meter's start
    (24, 60, 5, False),
]


def _through_domain(session, last):
    out = []
    for offset, mono, color, reset in SCRIPT:
        try:
            r = read(session, last + timedelta(days=offset), mono, color, meter_reset=reset)
            out.append((r.review_status, meter_rules.reason_codes(r.review_reason)))
        except ValidationError as exc:  # nothing was written: no savepoint needed
            out.append(("error", sorted(str(e) for e in exc.errors)))
    return out


def _through_batch(session, last):
    out = []
    for n, (offset, mono, color, reset) in enumerate(SCRIPT, start=2):
        row = meter_batch.Row(n, "SN1", last + timedelta(days=offset), mono, color, "agent",
                              reset)
        res = meter_batch.record_meter_readings(session, ACTOR, [row])
        if res.errors:
            out.append(("error", sorted(f"column/field '{e.field}': {e.reason}"
                                        for e in res.errors)))
        else:
            stored = session.scalars(select(MeterReading).where(
                MeterReading.read_on == row.read_on, MeterReading.meter_reset == reset)).one()
            out.append((stored.review_status, meter_rules.reason_codes(stored.review_reason)))
    return out


def test_the_batch_path_answers_as_the_single_reading_path(mk, session, db_url):
    mk.world()
    last, _, _ = weekly(session, 8)
    outer = session.begin_nested()
    expected = _through_domain(session, last)
    outer.rollback()
    got = _through_batch(session, last)
    assert got == expected
    assert [s for s, _ in got] == ["counted", "counted", "error", "error", "held", "counted",
                                   "error", "counted", "error", "counted"]


def test_a_genuine_change_of_level_is_held_once(device, session):
    """Judged against the previous actual reading, held or not: the second week at the new
    level is no longer a spike, so one decision settles it (docs/meter-readings.md)."""
    last, mono, color = weekly(session, 8)
    first = read(session, last + timedelta(days=7), mono + 7 * 400, color + 70)
    second = read(session, last + timedelta(days=14), mono + 14 * 400, color + 140)
    assert (first.review_status, second.review_status) == ("held", "counted")
    # the held week still bounds nothing and is not billed until approved
    assert lookups.latest_meter_reading(session, second.device_id) is second


def test_the_batch_audit_is_the_domain_audit(mk, session):
    """The batch path spells the audit JSON out itself: it must be the snapshot writes.insert
    records, key for key and value for value."""
    import json

    mk.world()
    billing.record_meter_reading(session, ACTOR, serial="SN1", read_on="2026-01-20",
                                 mono_counter=1100, color_counter=210)
    meter_batch.record_meter_readings(session, ACTOR, [
        meter_batch.Row(2, "SN1", date(2026, 1, 27), 1200, 220, "manual")])
    domain, batch = [json.loads(a.after_json) for a in session.scalars(
        select(AuditLog).where(AuditLog.entity == "meter_readings").order_by(AuditLog.id))]
    assert set(domain) == set(batch)
    assert batch["read_on"] == "2026-01-27" and batch["source"] == "manual"
    assert batch["review_status"] == "counted" and batch["meter_reset"] is False
    row = session.scalars(select(MeterReading).where(
        MeterReading.read_on == date(2026, 1, 27))).one()
    assert batch["id"] == row.id and batch["created_at"] == row.created_at.isoformat()
