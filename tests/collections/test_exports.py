"""dashboards/exports.py: what the collections page (and others) hand to a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd


def test_exports_neutralise_formulas_and_keep_numbers() -> None:
    from openpyxl import load_workbook

    from dashboards import exports

    frame = pd.DataFrame({"Cliente": ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "Acme"],
                          "Saldo": [1.5, -2.25, 3.0, 0.0, 1234567.89]})
    data = exports.to_xlsx_sheets_bytes({"Facturas": frame, "Facturas ": frame}, {"Saldo"})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Facturas", "Facturas (2)"]
    sheet = book["Facturas"]
    assert [c.value for c in sheet["A"]] == ["Cliente", "'=cmd|' /C calc'!A0", "'+1", "'-2",
                                             "'@SUM(A1)", "Acme"]
    assert [c.value for c in sheet["B"]][1:] == [1.5, -2.25, 3.0, 0.0, 1234567.89]
    assert sheet["B2"].number_format == "#,##0.00"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    csv = exports.to_csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert csv[1:3] == ["'=cmd|' /C calc'!A0,1.5", "'+1,-2.25"]
