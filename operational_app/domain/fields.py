"""Coercion and validation of incoming field values, shared by every domain module.

Values arrive as text (forms, CSV: empty string = no value) or as typed Python values. A
`Checker` coerces each field, collects every problem of one call as `FieldError`s and raises
one `ValidationError` before anything is written (docs/domain-rules.md, "Field formats").
The `parse_*` functions are the same rules without the collector, for callers that need one
value (the importer, the app's filters); they raise `Refusal`, a `ValueError` carrying the
message's English template and params (docs/conventions.md "Messages"), whose `str()` is the
plain English reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import InstrumentedAttribute

from operational_app.domain import messages
from operational_app.domain.errors import FieldError, ValidationError

BUSINESS_TZ = ZoneInfo("America/Mexico_City")

# Business dates outside this window are typing mistakes (a year 0226, 20266), not history.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)

MONEY_PLACES = 2
RATE_PLACES = 6
MONEY_MAX = Decimal(10) ** 16  # Money() is NUMERIC(18, 2)
RATE_MAX = Decimal(10) ** 12  # Rate() is NUMERIC(18, 6)
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

CURRENCIES = ("MXN", "USD")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
_INT_RE = re.compile(r"^-?\d+$")
# Formula injection: a spreadsheet evaluates cells starting with these (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a browser would parse as a tag, comment or instruction: `<b`, `</`, `<!`, `<?` ("a < b" is fine).
_MARKUP_RE = re.compile(r"<[A-Za-z/!?]")
# Bidirectional overrides can disguise text; they are never needed in business data.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


class Refusal(ValueError):
    """A parser's refusal: the English `template` and its `params`; `str()` is the English
    reason, so `except ValueError` callers keep working."""

    def __init__(self, template: str, /, **params: Any):
        self.template = template
        self.params = params
        super().__init__(messages.render(template, params))

    def text(self, lang: str) -> str:
        return messages.render(self.template, self.params, lang)


def today() -> date:
    """Today in the business calendar; tests monkeypatch it (`fields.today`)."""
    return datetime.now(BUSINESS_TZ).date()


def now_local() -> datetime:
    """Naive America/Mexico_City wall time, the way business timestamps are stored."""
    return datetime.now(BUSINESS_TZ).replace(tzinfo=None)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def column_length(column: InstrumentedAttribute[Any]) -> int:
    """The VARCHAR length of a model column, so text limits never drift from the schema."""
    return column.property.columns[0].type.length


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# --------------------------------------------------------------------------- parsers


def parse_text(value: Any, *, max_len: int, multiline: bool = False) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise Refusal("must be text")
    if value[0] in ("\t", "\r"):
        raise Refusal("must not start with a tab or carriage return (spreadsheet formula)")
    text = unicodedata.normalize("NFC", value.strip())
    if multiline:
        text = text.replace("\r\n", "\n")
    if text.startswith(_FORMULA_START):
        raise Refusal(
            "must not start with '{text}': it would run as a spreadsheet formula", text=text[0]
        )
    for ch in text:
        if (unicodedata.category(ch) == "Cc" and not (multiline and ch == "\n")) or ch in _BIDI:
            raise Refusal("contains a control character (U+{code:04X})", code=ord(ch))
    if _MARKUP_RE.search(text):
        raise Refusal("must not contain HTML or script markup (text like '<tag')")
    if len(text) > max_len:
        raise Refusal("is too long ({length} characters, at most {max_len})", length=len(text),
                      max_len=max_len)
    return text


def _in_range(day: date) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise Refusal("is out of range (between {low} and {high})", low=MIN_DATE, high=MAX_DATE)
    return day


def parse_date(value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        # A datetime where a date is expected usually hides a time-zone slip: refuse it.
        raise Refusal("must be a date without a time (YYYY-MM-DD)")
    if isinstance(value, date):
        return _in_range(value)
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise Refusal("must be a date as YYYY-MM-DD, not {value}", value=_show(value))
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise Refusal("is not a valid calendar date: {value}", value=_show(value)) from None
    return _in_range(day)


def to_local(moment: datetime) -> datetime:
    """Aware → America/Mexico_City naive wall time; naive is taken as already local."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(BUSINESS_TZ).replace(tzinfo=None)
    return moment


def parse_timestamp(value: Any) -> datetime | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        moment = to_local(value)
    elif isinstance(value, date):
        raise Refusal("must be a date and time (YYYY-MM-DDTHH:MM), not only a date")
    elif isinstance(value, str) and _TIMESTAMP_RE.match(value.strip()):
        try:
            moment = to_local(datetime.fromisoformat(value.strip()))
        except ValueError:
            raise Refusal("is not a valid date and time: {value}", value=_show(value)) from None
    else:
        raise Refusal(
            "must be an ISO 8601 date and time (YYYY-MM-DDTHH:MM[:SS][±HH:MM]), not {value}",
            value=_show(value)
        )
    _in_range(moment.date())
    return moment


def parse_decimal(
    value: Any, *, places: int, maximum: Decimal = MONEY_MAX
) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Refusal("must be a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr: 12.5 stays 12.5, 0.1 + 0.2 shows its binary noise.
        number = Decimal(str(value))
    elif isinstance(value, str) and _DECIMAL_RE.match(value.strip()):
        number = Decimal(value.strip())
    else:
        raise Refusal(
            "must be a number with a dot for decimals and no thousands separator, not {value}",
            value=_show(value)
        )
    if not number.is_finite():
        raise Refusal("must be a finite number")
    quantum = Decimal(1).scaleb(-places)
    try:
        exact = number.quantize(quantum)
    except InvalidOperation:
        raise Refusal("is too large") from None
    if exact != number:
        raise Refusal("has more than {places} decimal places", places=places)
    if abs(exact) >= maximum:
        raise Refusal("is too large (must be below {maximum:,})", maximum=maximum)
    return exact


def parse_int(value: Any, *, maximum: int = INT_MAX) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Refusal("must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT_RE.match(value.strip()):
        if len(value.strip()) > 20:  # also keeps int() away from its 4300-digit limit
            raise Refusal("is too large (at most {maximum:,})", maximum=maximum)
        number = int(value.strip())
    else:
        raise Refusal("must be a whole number, not {value}", value=_show(value))
    if abs(number) > maximum:
        raise Refusal("is too large (at most {maximum:,})", maximum=maximum)
    return number


def parse_bool(value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise Refusal("must be true or false, not {value}", value=_show(value))


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- the collector


class Checker:
    """Coerces the fields of one call and collects every problem before anything is written.

    Each method returns the coerced value, or None when the value is missing or invalid (the
    problem is recorded); cross-field rules therefore test `is not None` first.
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    # -- bookkeeping

    def fail(self, field: str, template: str, /, **params: Any) -> None:
        """Record a problem of `field`: an English template and its params (the catalogue in
        operational_app/domain/messages.py holds its Spanish text)."""
        self.errors.append(FieldError(field, template, params=params))

    def fail_with(self, field: str, exc: ValueError) -> None:
        """Record a parser's refusal (its template kept; a plain ValueError as plain text)."""
        if isinstance(exc, Refusal):
            self.fail(field, exc.template, **exc.params)
        else:
            self.errors.append(FieldError(field, None, reason=str(exc)))

    def has_error(self, *fields: str) -> bool:
        bad = {e.field for e in self.errors}
        return any(f in bad for f in fields) if fields else bool(bad)

    def check(self) -> None:
        """Raise everything collected so far (call before the first write)."""
        if self.errors:
            raise ValidationError(errors=list(self.errors))

    def _run(self, field: str, value: Any, required: bool, parse: Any) -> Any:
        try:
            result = parse(value)
        except ValueError as exc:
            self.fail_with(field, exc)
            return None
        if result is None and required:
            self.fail(field, "is required")
        return result

    # -- types

    def text(
        self,
        field: str,
        value: Any,
        column: InstrumentedAttribute[Any] | None = None,
        *,
        max_len: int | None = None,
        required: bool = False,
        multiline: bool = False,
    ) -> str | None:
        limit = max_len or (column_length(column) if column is not None else 200)
        return self._run(
            field, value, required, lambda v: parse_text(v, max_len=limit, multiline=multiline)
        )

    def date(self, field: str, value: Any, *, required: bool = False) -> date | None:
        return self._run(field, value, required, parse_date)

    def timestamp(self, field: str, value: Any, *, required: bool = False) -> datetime | None:
        return self._run(field, value, required, parse_timestamp)

    def decimal(
        self,
        field: str,
        value: Any,
        *,
        places: int,
        required: bool = False,
        minimum: Decimal | None = Decimal(0),
        positive: bool = False,
        below: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        cap = RATE_MAX if places > MONEY_PLACES else MONEY_MAX
        number = self._run(field, value, required, lambda v: parse_decimal(v, places=places,
                                                                            maximum=cap))
        if number is None:
            return None
        if positive and number <= 0:
            self.fail(field, "must be greater than 0")
            return None
        if minimum is not None and number < minimum:
            self.fail(field, "must be ≥ {minimum}", minimum=minimum)
            return None
        if below is not None and number >= below:
            self.fail(field, "must be below {below}", below=below)
            return None
        if maximum is not None and number > maximum:
            self.fail(field, "must be ≤ {maximum}", maximum=maximum)
            return None
        return number

    def money(
        self, field: str, value: Any, *, required: bool = False, positive: bool = False
    ) -> Decimal | None:
        """Amounts: at most 2 decimals, never negative (> 0 with `positive`)."""
        return self.decimal(field, value, places=MONEY_PLACES, required=required,
                            positive=positive)

    def rate(self, field: str, value: Any, *, required: bool = False) -> Decimal | None:
        """Prices per page and exchange rates: at most 6 decimals, never negative."""
        return self.decimal(field, value, places=RATE_PLACES, required=required)

    def integer(
        self,
        field: str,
        value: Any,
        *,
        required: bool = False,
        minimum: int | None = 0,
        maximum: int | None = None,
        big: bool = False,
    ) -> int | None:
        cap = BIGINT_MAX if big else INT_MAX
        number = self._run(field, value, required, lambda v: parse_int(v, maximum=cap))
        if number is None:
            return None
        if minimum is not None and number < minimum:
            self.fail(field, "must be ≥ {minimum}", minimum=minimum)
            return None
        if maximum is not None and number > maximum:
            self.fail(field, "must be ≤ {maximum}", maximum=maximum)
            return None
        return number

    def boolean(
        self, field: str, value: Any, *, required: bool = False, default: bool | None = None
    ) -> bool | None:
        result = self._run(field, value, required and default is None, parse_bool)
        if result is None and not self.has_error(field):
            return default
        return result

    def choice(
        self,
        field: str,
        value: Any,
        allowed: Collection[str],
        *,
        required: bool = True,
        default: str | None = None,
    ) -> str | None:
        """One of a fixed list; compared case-insensitively, stored as listed."""
        if _blank(value):
            if default is not None:
                return default
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, "must be one of {options}", options=_options(allowed))
            return None
        wanted = value.strip().lower()
        for option in allowed:
            if option.lower() == wanted:
                return option
        self.fail(field, "must be one of {options}, not {value}", options=_options(allowed),
                  value=_show(value.strip()))
        return None

    def currency(self, field: str, value: Any, *, default: str | None = None) -> str | None:
        return self.choice(field, value, CURRENCIES, default=default)

    # -- references

    def known(self, field: str, key: Any, row: Any, what: str | messages.Msg) -> Any:
        """A referenced business key must exist (and not be withdrawn)."""
        if key is not None and row is None:
            self.fail(field, "unknown {what} '{key}'", what=what, key=key)
        return row

    def unique(self, field: str, key: Any, existing: Any, what: str | messages.Msg) -> None:
        """A new business key must not exist yet (withdrawn rows keep their key)."""
        if key is not None and existing is not None:
            self.fail(field, "{what} '{key}' already exists", what=what, key=key)

    # -- cross-field helpers

    def not_before(
        self, field: str, later: Any, earlier: Any, what: str | messages.Msg
    ) -> None:
        """`later` must not be before `earlier` (skipped when either is missing)."""
        if later is not None and earlier is not None and later < earlier:
            self.fail(field, "must not be before {what} ({earlier})", what=what, earlier=earlier)

    def after(self, field: str, later: Any, earlier: Any, what: str | messages.Msg) -> None:
        """`later` must be strictly after `earlier` (skipped when either is missing)."""
        if later is not None and earlier is not None and later <= earlier:
            self.fail(field, "must be after {what} ({earlier})", what=what, earlier=earlier)


def _options(allowed: Iterable[str]) -> str:
    return ", ".join(allowed)


def check_actor(actor: Any) -> str:
    """The acting username is stamped on every row and audit record: it must be sane text."""
    checker = Checker()
    name = checker.text("actor", actor, max_len=64, required=True)
    checker.check()
    assert name is not None
    return name
