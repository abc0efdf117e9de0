"""Meter readings (docs/billing.md, "Usage from meter readings")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from operational_app.domain import billing, lookups
from operational_app.store.models import MeterReading

from .conftest import ACTOR, refused


def read(session, on, mono, color, **kw):
    return billing.record_meter_reading(session, ACTOR, serial="SN1", read_on=on,
                                        mono_counter=mono, color_counter=color, **kw)


@pytest.fixture
def device(mk):
    mk.world()  # SN1 installed 2026-01-10 with counters 1000 / 200


def test_good_readings(device, session):
    r = read(session, "2026-01-31", "1800", "250", source="manual")
    assert (r.mono_counter, r.color_counter, r.source, r.meter_reset) == (1800, 250, "manual",
                                                                          False)
    read(session, "2026-02-28", 1800, 250)  # no usage is fine
    assert lookups.latest_meter_reading(session, r.device_id).read_on == date(2026, 2, 28)


def test_reading_lower_than_install_counter(device, session):
    err = refused(session, billing.record_meter_reading, "mono_counter", "lower than",
                  serial="SN1", read_on="2026-01-31", mono_counter=999, color_counter=200)
    assert "meter_reset=true" in str(err) and "install counter" in str(err)


def test_regressing_counters_are_refused_naming_each_meter(device, session):
    read(session, "2026-01-31", 1800, 250)
    err = refused(session, billing.record_meter_reading, "mono_counter", "1800",
                  serial="SN1", read_on="2026-02-28", mono_counter=1700, color_counter=240)
    assert set(err.fields) == {"mono_counter", "color_counter"}
    refused(session, billing.record_meter_reading, "color_counter", "previous color counter",
            serial="SN1", read_on="2026-02-28", mono_counter=1900, color_counter=249)


def test_meter_reset_allows_a_lower_start(device, session):
    read(session, "2026-01-31", 1800, 250)
    read(session, "2026-02-15", 2100, 260)  # old meter's final read
    new = read(session, "2026-02-15", 5, 0, meter_reset="true")  # new meter, same day
    assert new.meter_reset is True
    refused(session, billing.record_meter_reading, "mono_counter", "lower",
            serial="SN1", read_on="2026-02-28", mono_counter=4, color_counter=0)
    read(session, "2026-02-28", 900, 40)
    refused(session, billing.record_meter_reading, "read_on", "already exists",
            serial="SN1", read_on="2026-02-15", mono_counter=5, color_counter=0,
            meter_reset=True)


def test_old_meter_final_read_may_follow_the_reset(device, session):
    """A replacement recorded first: the old meter's final read of that day is a late
    reading, bounded by the old meter's earlier readings only."""
    read(session, "2026-02-15", 0, 0, meter_reset=True)
    refused(session, billing.record_meter_reading, "mono_counter", "lower than",
            serial="SN1", read_on="2026-02-15", mono_counter=900, color_counter=300)
    final = read(session, "2026-02-15", 2000, 300)
    assert final.meter_reset is False and final.review_status == "counted"


@pytest.mark.parametrize("on, reason", [
    ("2026-01-09", "install date"),
    ("2026-07-01", "future"),       # today is patched to 2026-06-30
    ("31/01/2026", "YYYY-MM-DD"),
])
def test_reading_dates(device, session, on, reason):
    refused(session, billing.record_meter_reading, "read_on", reason,
            serial="SN1", read_on=on, mono_counter=2000, color_counter=300)


def test_today_is_allowed(device, session, fixed_today):
    assert read(session, fixed_today, 2000, 300).read_on == fixed_today


def test_late_reading_between_its_neighbours_is_accepted(device, session):
    read(session, "2026-01-31", 1500, 220)
    read(session, "2026-02-28", 1800, 250)
    late = read(session, "2026-02-10", 1600, 230, source="manual")
    assert late.review_status == "counted"
    assert lookups.latest_meter_reading(session, late.device_id).read_on == date(2026, 2, 28)
    refused(session, billing.record_meter_reading, "read_on", "already exists",
            serial="SN1", read_on="2026-02-28", mono_counter=1800, color_counter=250)


def test_late_reading_that_does_not_fit_names_both_neighbours(device, session):
    read(session, "2026-01-31", 1500, 220)
    read(session, "2026-02-28", 1800, 250)
    err = refused(session, billing.record_meter_reading, "mono_counter", "does not fit",
                  serial="SN1", read_on="2026-02-10", mono_counter=1900, color_counter=230)
    text = str(err)
    assert "reading of 2026-01-31 (mono 1500)" in text
    assert "reading of 2026-02-28 (mono 1800)" in text
    assert "previous" not in text and "date order" not in text
    err = refused(session, billing.record_meter_reading, "color_counter", "does not fit",
                  serial="SN1", read_on="2026-02-10", mono_counter=1600, color_counter=210)
    assert "reading of 2026-01-31 (color 220)" in str(err)
    assert "reading of 2026-02-28 (color 250)" in str(err)


def test_late_reading_before_the_first_is_bounded_by_the_install(device, session):
    read(session, "2026-02-28", 1800, 250)
    err = refused(session, billing.record_meter_reading, "mono_counter", "does not fit",
                  serial="SN1", read_on="2026-01-20", mono_counter=999, color_counter=210)
    assert "install counter of 2026-01-10 (mono 1000)" in str(err)
    assert read(session, "2026-01-20", 1000, 200).review_status == "counted"


def test_late_reading_on_a_replaced_meter_is_bounded_by_that_meter(device, session):
    read(session, "2026-01-31", 1500, 220)
    read(session, "2026-02-15", 10, 0, meter_reset=True)
    read(session, "2026-02-28", 400, 50)
    # before the replacement: the old meter, whose later readings end at the reset
    assert read(session, "2026-02-05", 1700, 230).mono_counter == 1700
    # after it: the new meter, between its start and its next reading
    refused(session, billing.record_meter_reading, "mono_counter", "new meter's start",
            serial="SN1", read_on="2026-02-20", mono_counter=5, color_counter=20)
    assert read(session, "2026-02-20", 200, 20).mono_counter == 200


@pytest.mark.parametrize("field, kw", [
    ("mono_counter", {"mono_counter": "-1"}),
    ("mono_counter", {"mono_counter": "12.5"}),
    ("color_counter", {"color_counter": ""}),
    ("source", {"source": "estimated"}),
    ("meter_reset", {"meter_reset": "yes"}),
    ("serial", {"serial": "NOPE"}),
])
def test_reading_bad_fields(device, session, field, kw):
    args = {"serial": "SN1", "read_on": "2026-02-01", "mono_counter": 2000,
            "color_counter": 300} | kw
    refused(session, billing.record_meter_reading, field, **args)


def test_withdraw_only_the_latest_reading(device, session):
    first = read(session, "2026-01-31", 1800, 250)
    read(session, "2026-02-28", 2500, 300)
    refused(session, billing.withdraw_meter_reading, "read_on", "latest reading",
            serial="SN1", read_on="2026-01-31")
    refused(session, billing.withdraw_meter_reading, "read_on", "no reading",
            serial="SN1", read_on="2026-02-01")
    last = billing.withdraw_meter_reading(session, ACTOR, serial="SN1", read_on="2026-02-28")
    assert last.deleted_at is not None
    # the withdrawn reading no longer counts: a lower counter on a later day is fine now
    read(session, "2026-03-01", 2000, 260)
    assert lookups.latest_meter_reading(session, first.device_id).read_on == date(2026, 3, 1)


def test_withdrawn_reading_can_be_recorded_again(device, session):
    r = read(session, "2026-01-31", 9999, 250)  # a typo
    billing.withdraw_meter_reading(session, ACTOR, serial="SN1", read_on="2026-01-31")
    again = read(session, "2026-01-31", 1800, 250)
    assert again is r and r.deleted_at is None and r.mono_counter == 1800
    assert len(session.scalars(select(MeterReading)).all()) == 1
