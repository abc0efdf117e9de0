"""Downloads (CSV and Excel) safe against spreadsheet formula injection (docs/quality-targets.md,
Security): a text cell starting with = + - @ (or a tab / carriage return, or their
full-width forms) is prefixed with ' so a spreadsheet shows it as text instead of running
it. Numbers, dates and booleans are left as they are.
"""

from __future__ import annotations

import io
from datetime import datetime, time

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
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    frame = neutralize_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_name, set())
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_xlsx_value(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value):
    """What openpyxl can store: no time zones, no NaN/NaT, exotic values as text."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists and other containers
        pass
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, time)) and value.tzinfo is not None:
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (str, int, float, bool)) or hasattr(value, "as_tuple") or hasattr(value, "isoformat"):
        return value
    return safe_cell(str(value))


def to_xlsx_sheets_bytes(sheets: dict[str, pd.DataFrame],
                         money_columns: frozenset[str] | set[str] = frozenset()) -> bytes:
    """Several tables in one workbook, one sheet each, in order (a page's whole screen).

    Same protections as to_xlsx_bytes; columns named in money_columns get a
    #,##0.00 number format (values stay exact: Decimals are written as numbers)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in sheets.items():
        title = _sheet_title(name, used)
        ws = wb.create_sheet(title)
        frame = neutralize_frame(df)
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        money_idx = {i for i, c in enumerate(df.columns) if str(c) in money_columns}
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xlsx_value(v) for v in row])
        for row in ws.iter_rows(min_row=2):
            for i, cell in enumerate(row):
                if isinstance(cell.value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
                    cell.data_type = "s"
                elif i in money_idx and cell.value is not None:
                    cell.number_format = "#,##0.00"
    if not wb.sheetnames:
        wb.create_sheet("datos")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
