"""Downloads are safe against spreadsheet formula injection (docs/quality-targets.md, Security)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from dashboards.exports import safe_cell, to_csv_bytes, to_xlsx_bytes

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
           '=HYPERLINK("http://x","y")', "\uff1d1+1"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": HOSTILE,
        "amount": [Decimal("1.50")] * len(HOSTILE),
        "n": range(len(HOSTILE)),
        "day": [date(2026, 3, 31)] * len(HOSTILE),
        "ts": [datetime(2026, 3, 31, 12, tzinfo=UTC)] * len(HOSTILE),
        "=bad_header": ["ok"] * len(HOSTILE),
    })


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("plain") == "plain"
    assert safe_cell(-5) == -5  # numbers stay numbers
    assert safe_cell("") == ""


def test_csv_neutralises_formulas():
    text = to_csv_bytes(frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][-1] == "'=bad_header"
    for row, original in zip(rows[1:], HOSTILE, strict=True):
        assert row[0] == "'" + original
        assert row[1] == "1.50" and row[2].isdigit()


def test_xlsx_neutralises_formulas_and_stores_text_as_text():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(frame(), "consulta")))
    ws = wb.active
    assert ws.title == "consulta"
    header = [c.value for c in ws[1]]
    assert header[-1] == "'=bad_header"
    for row, original in zip(ws.iter_rows(min_row=2), HOSTILE, strict=True):
        cell = row[0]
        assert cell.data_type == "s"  # never "f" (formula)
        assert cell.value.startswith("'")
        # a parser may hand a stored CR back as LF (ElementTree) or as CR (lxml)
        assert cell.value[1:].replace("\r", "\n") == original.replace("\r", "\n")
        assert row[1].value == 1.5 or row[1].value == Decimal("1.50")
        assert row[3].value.date() == date(2026, 3, 31) if hasattr(row[3].value, "date") else True
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
