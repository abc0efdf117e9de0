"""Downloads (CSV and Excel) safe against spreadsheet formula injection (docs/quality-targets.md,
Security): a text cell starting with = + - @ (or a tab / carriage return, or their
full-width forms) is prefixed with ' so a spreadsheet shows it as text instead of running
it. Numbers, dates and booleans are left as they are.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """The value a spreadsheet may receive: text that could start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df with every text cell (and column name) passed through safe_cell."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accents right; CRLF rows (RFC 4180), so a
    value holding a line break or carriage return is quoted."""
    return neutralize_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "datos") -> bytes:
    """One sheet, header row bold; text cells stored as text (never as a formula)."""
    return to_xlsx_sheets_bytes({sheet_name: df})


def _xlsx_value(value):
    """What openpyxl can store: no time zones, no NaN/NaT, exotic values as text."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists and other containers
        pass
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):  # else stored as text below: page counts were
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, time)) and value.tzinfo is not None:
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (str, int, float, bool)) or hasattr(value, "as_tuple") or hasattr(value, "isoformat"):
        return value
    return safe_cell(str(value))


def to_xlsx_sheets_bytes(sheets: dict[str, pd.DataFrame],
                         money_columns: frozenset[str] | set[str] | None = None,
                         language: str | None = None) -> bytes:
    """Several tables in one workbook, one sheet each, in order (a page's whole screen).

    Values keep their types — numbers are numbers, dates are dates — and are shown in the
    language's formats (docs/conventions.md "Display formats"): whole numbers with thousands
    separators, money with two decimals (Decimals are written as numbers, exact), dates as
    the tables show them. Money is each sheet's money by type (`dashboards.columns.
    money_columns`: two-decimal DECIMAL from the query, or Decimal values), unless
    `money_columns` names the columns. Text cells are stored as text, never as a formula
    (`safe_cell`)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in sheets.items():
        _write_sheet(wb.create_sheet(_sheet_title(name, used)), df, money_columns, language)
    if not wb.sheetnames:
        wb.create_sheet("datos")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX_DATE_FORMATS = {"es": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


def _write_sheet(ws, df: pd.DataFrame, money_columns, language: str | None) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    from seiton.webapp.i18n import lang

    dates = XLSX_DATE_FORMATS.get(language or lang(), XLSX_DATE_FORMATS["es"])
    frame = neutralize_frame(df)
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if money_columns is None:
        from dashboards.columns import money_columns as by_type

        money_columns = by_type(df)
    money_idx = {i for i, c in enumerate(df.columns) if str(c) in money_columns}
    for row in frame.itertuples(index=False, name=None):
        ws.append([_xlsx_value(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            value = cell.value
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
            elif value is None or isinstance(value, bool):
                continue
            elif i in money_idx:
                cell.number_format = "#,##0.00"
            elif isinstance(value, datetime):
                cell.number_format = dates + (" hh:mm" if value.time() != time() else "")
            elif isinstance(value, date):
                cell.number_format = dates
            elif isinstance(value, int):
                cell.number_format = "#,##0"


def _sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet title: no []:*?/\\ characters, no ' at either end (Excel
    refuses those), at most 31 characters. (A sheet name is never evaluated as a formula.)"""
    import re

    base = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip().strip("'").strip() or "datos"
    base = base[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
