"""Coercion rules shared by every domain function (docs/domain-rules.md, "Field formats")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from operational_app.domain import fields
from operational_app.domain.errors import ValidationError
from operational_app.domain.fields import Checker


@pytest.mark.parametrize("value, expected", [
    ("2026-03-01", date(2026, 3, 1)),
    (" 2026-03-01 ", date(2026, 3, 1)),
    (date(2026, 3, 1), date(2026, 3, 1)),
    ("", None),
    (None, None),
])
def test_parse_date_good(value, expected):
    assert fields.parse_date(value) == expected


@pytest.mark.parametrize("value, reason", [
    ("01/03/2026", "YYYY-MM-DD"),
    ("2026-3-1", "YYYY-MM-DD"),
    ("2026-02-30", "not a valid calendar date"),
    ("1999-12-31", "out of range"),
    ("2100-01-01", "out of range"),
    (datetime(2026, 3, 1, 10, 0), "without a time"),
    (20260301, "YYYY-MM-DD"),
])
def test_parse_date_bad(value, reason):
    with pytest.raises(ValueError, match=reason):
        fields.parse_date(value)


def test_timestamp_with_offset_is_converted_to_mexico_city_wall_time():
    # 16:00 UTC is 10:00 in Mexico City (UTC-6, no DST since 2022)
    assert fields.parse_timestamp("2026-03-02T16:00:00Z") == datetime(2026, 3, 2, 10, 0)
    assert fields.parse_timestamp("2026-03-02T11:00:00-05:00") == datetime(2026, 3, 2, 10, 0)
    aware = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert fields.parse_timestamp(aware) == datetime(2026, 3, 2, 10, 0)


def test_timestamp_without_offset_is_local():
    assert fields.parse_timestamp("2026-03-02T10:30") == datetime(2026, 3, 2, 10, 30)
    assert fields.parse_timestamp("2026-03-02 10:30:15") == datetime(2026, 3, 2, 10, 30, 15)
    assert fields.parse_timestamp(datetime(2026, 3, 2, 10, 30)) == datetime(2026, 3, 2, 10, 30)


@pytest.mark.parametrize("value", ["2026-03-02", "02/03/2026 10:00", "2026-03-02T25:00",
                                   date(2026, 3, 2), "yesterday"])
def test_timestamp_bad(value):
    with pytest.raises(ValueError):
        fields.parse_timestamp(value)


@pytest.mark.parametrize("value, expected", [
    ("1234.5", Decimal("1234.50")),
    ("0", Decimal("0.00")),
    (12.5, Decimal("12.50")),  # a clean float goes through str()
    (7, Decimal("7.00")),
    (Decimal("3.10"), Decimal("3.10")),
])
def test_parse_money_good(value, expected):
    result = fields.parse_decimal(value, places=2)
    assert result == expected and isinstance(result, Decimal)
    assert str(result) == str(expected)


@pytest.mark.parametrize("value, reason", [
    ("1,234.50", "thousands"),
    ("1234,50", "thousands"),
    ("12.345", "more than 2 decimal places"),
    (0.1 + 0.2, "more than 2 decimal places"),  # binary noise is refused, not rounded
    ("1e3", "dot for decimals"),
    ("abc", "dot for decimals"),
    (True, "number"),
    (Decimal("NaN"), "finite"),
    ("99999999999999999", "too large"),
])
def test_parse_money_bad(value, reason):
    with pytest.raises(ValueError, match=reason):
        fields.parse_decimal(value, places=2)


def test_rates_keep_six_places():
    assert fields.parse_decimal("0.123456", places=6) == Decimal("0.123456")
    with pytest.raises(ValueError, match="more than 6"):
        fields.parse_decimal("0.1234567", places=6)


@pytest.mark.parametrize("value, expected", [("42", 42), (42, 42), (Decimal("42"), 42),
                                             ("", None)])
def test_parse_int_good(value, expected):
    assert fields.parse_int(value) == expected


@pytest.mark.parametrize("value", ["4.5", "1,000", True, 4.5, "x", "9" * 20])
def test_parse_int_bad(value):
    with pytest.raises(ValueError):
        fields.parse_int(value)


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False),
                                             ("TRUE", True), (True, True), (False, False),
                                             ("", None)])
def test_parse_bool_good(value, expected):
    assert fields.parse_bool(value) is expected


@pytest.mark.parametrize("value", ["yes", "1", 1, "sí"])
def test_parse_bool_bad(value):
    with pytest.raises(ValueError, match="true or false"):
        fields.parse_bool(value)


@pytest.mark.parametrize("value", ["Cliente Ñandú", "a < b", "50% off", "x@y.mx",
                                   "O'Brien & Hijos"])
def test_text_good(value):
    assert fields.parse_text(value, max_len=200) == value


@pytest.mark.parametrize("value, reason", [
    ("=cmd|' /C calc'!A0", "spreadsheet formula"),
    ("+52 55 1234", "spreadsheet formula"),
    ("-1+1", "spreadsheet formula"),
    ("@SUM(A1)", "spreadsheet formula"),
    ("  =HYPERLINK()", "spreadsheet formula"),  # trimmed first, still refused
    ("\t=1", "tab"),
    ("<script>alert(1)</script>", "markup"),
    ("hola <b>mundo</b>", "markup"),
    ("<img src=x onerror=alert(1)>", "markup"),
    ("x</div", "markup"),
    ("bell\x07", "control character"),
    ("nul\x00", "control character"),
    ("two\nlines", "control character"),
    ("a\u202eb", "control character"),
    ("x" * 201, "too long"),
    (12, "must be text"),
])
def test_text_bad(value, reason):
    with pytest.raises(ValueError, match=reason):
        fields.parse_text(value, max_len=200)


def test_multiline_text_keeps_newlines_only():
    assert fields.parse_text("line 1\r\nline 2", max_len=50, multiline=True) == "line 1\nline 2"
    with pytest.raises(ValueError):
        fields.parse_text("line 1\x0bline 2", max_len=50, multiline=True)


def test_checker_collects_every_problem():
    v = Checker()
    v.text("name", "", required=True)
    v.money("subtotal", "-1")
    v.money("amount", "0", positive=True)
    v.currency("currency", "EUR")
    v.choice("priority", "urgent", ("low", "medium", "high", "critical"))
    with pytest.raises(ValidationError) as caught:
        v.check()
    err = caught.value
    assert err.fields == ["name", "subtotal", "amount", "currency", "priority"]
    assert "is required" in str(err) and "≥ 0" in str(err) and "greater than 0" in str(err)
    assert "MXN, USD" in str(err) and "low, medium, high, critical" in str(err)


def test_choice_is_case_insensitive_and_canonical():
    v = Checker()
    assert v.currency("currency", "usd") == "USD"
    assert v.choice("priority", " High ", ("low", "high")) == "high"
    assert v.choice("priority", "", ("low", "high"), default="low") == "low"
    assert not v.errors


def test_today_is_business_calendar_and_patchable(fixed_today):
    assert fields.today() == fixed_today
    real = fields.now_local()
    assert abs(real - datetime.now(fields.BUSINESS_TZ).replace(tzinfo=None)) < timedelta(seconds=5)


def test_check_actor():
    assert fields.check_actor(" ana ") == "ana"
    with pytest.raises(ValidationError) as caught:
        fields.check_actor("")
    assert caught.value.fields == ["actor"]
