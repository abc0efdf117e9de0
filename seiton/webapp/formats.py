"""How every page writes a value for people: one format per kind of value and language.

The one owner of display formatting (docs/conventions.md, "Display formats"): pages, tables,
charts and exports call these functions instead of writing their own `f"{x:,.2f}"`.

- dates: `dd/mm/yyyy` in Spanish, `yyyy-mm-dd` in English (unambiguous; `03/12` means two
  different days to a Mexican and an American reader);
- timestamps: the date as above plus `HH:MM` (24 h);
- whole numbers and money: comma thousands, point decimals — the way Mexico writes them
  (es-MX) and the way English readers expect (en) — through babel, so a locale's rules are
  not typed by hand; money always with two decimals and `$`;
- months: "octubre 2026" / "October 2026" (or "oct 2026" / "Oct 2026"), month names from
  babel's locale data, never a hand-typed list;
- a missing value is an em dash, never `None`, `nan`, `NaT` or `null`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from seiton.webapp.i18n import lang

MISSING = "—"
LOCALES = {"es": "es_MX", "en": "en_US"}
DATE_FORMATS = {"es": "%d/%m/%Y", "en": "%Y-%m-%d"}
# the same, in the moment.js tokens st.column_config.DateColumn takes
TABLE_DATE_FORMATS = {"es": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
TABLE_DATETIME_FORMATS = {"es": "DD/MM/YYYY HH:mm", "en": "YYYY-MM-DD HH:mm"}


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a scalar, so not "missing"
        return False


def _locale(language: str | None) -> str:
    return LOCALES.get(language or lang(), "es_MX")


def fmt_number(value: Any, decimals: int = 0, language: str | None = None) -> str:
    """1,234 or 1,234.5 (babel's es-MX/en pattern, rounded half up via Decimal)."""
    if is_missing(value):
        return MISSING
    quantum = Decimal(1).scaleb(-decimals)
    exact = Decimal(str(value)).quantize(quantum, rounding="ROUND_HALF_UP")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(exact, format=pattern, locale=_locale(language),
                          decimal_quantization=False)


def fmt_int(value: Any, language: str | None = None) -> str:
    return fmt_number(value, 0, language)


def fmt_money(value: Any, decimals: int = 2, language: str | None = None) -> str:
    """$1,234,567.89; a negative amount as -$1,234.00."""
    if is_missing(value):
        return MISSING
    text = fmt_number(abs(Decimal(str(value))), decimals, language)
    return f"-${text}" if Decimal(str(value)) < 0 else f"${text}"


def fmt_pct(value: Any, decimals: int = 1, language: str | None = None) -> str:
    """95.3 % (the value is already in percent points)."""
    return MISSING if is_missing(value) else f"{fmt_number(value, decimals, language)} %"


def fmt_date(value: Any, language: str | None = None) -> str:
    if is_missing(value) or value == "":
        return MISSING
    day = value if isinstance(value, date) else pd.Timestamp(value).to_pydatetime()
    if isinstance(day, datetime):
        day = day.date()
    return day.strftime(DATE_FORMATS.get(language or lang(), DATE_FORMATS["es"]))


def fmt_month(value: Any, language: str | None = None, *, short: bool = False) -> str:
    """A month as people name it: "octubre 2026" / "October 2026"; short: "oct 2026"."""
    if is_missing(value) or value == "":
        return MISSING
    day = value if isinstance(value, date) else pd.Timestamp(value).to_pydatetime()
    # LLLL: the stand-alone month name (nominative; "octubre", not "de octubre")
    return babel_format_date(day, "LLL y" if short else "LLLL y", locale=_locale(language))


def fmt_datetime(value: Any, language: str | None = None) -> str:
    if is_missing(value) or value == "":
        return MISSING
    moment = value if isinstance(value, datetime) else pd.Timestamp(value).to_pydatetime()
    return f"{fmt_date(moment, language)} {moment:%H:%M}"


def table_date_format(language: str | None = None, *, with_time: bool = False) -> str:
    """The column_config format string of a date (or timestamp) column in this language."""
    formats = TABLE_DATETIME_FORMATS if with_time else TABLE_DATE_FORMATS
    return formats.get(language or lang(), formats["es"])
