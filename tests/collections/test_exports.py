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


def test_numbers_and_dates_stay_typed_with_the_languages_formats() -> None:
    from datetime import date

    import numpy as np
    from openpyxl import load_workbook

    from dashboards import exports

    frame = pd.DataFrame({"Páginas": np.array([1234567, 0], dtype="int64"),
                          "Desde": [date(2026, 3, 1), None],
                          "Tasa": [np.float64(0.12), np.nan]}).astype({"Páginas": object})
    for language, date_format in (("es", "dd/mm/yyyy"), ("en", "yyyy-mm-dd")):
        book = load_workbook(io.BytesIO(exports.to_xlsx_sheets_bytes({"x": frame},
                                                                     language=language)))
        sheet = book["x"]
        # numpy integers in an object column were stored as text before
        assert sheet["A2"].value == 1234567 and sheet["A2"].data_type == "n"
        assert sheet["A2"].number_format == "#,##0"
        assert sheet["B2"].is_date and sheet["B2"].number_format == date_format
        assert sheet["B3"].value is None
        assert sheet["C2"].value == 0.12


def test_the_pages_sheet_names_fit_excel_whole() -> None:
    """Excel cuts a sheet name at 31 characters ("…Nota de cr"): the pages' sheet names are
    the tables' names, in both languages, short enough to be kept whole."""
    from dashboards.pages import billing_charges, collections, reconciliation  # noqa: F401
    from seiton.webapp.i18n import STRINGS

    keys = ["chg_table", "chg_totals", "chg_steps", "chg_sheet_devices", "rec_table",
            "rec_summary", "rec_sheet_invoices", "rec_sheet_credit_notes", "coll_buckets",
            "coll_accounts_table", "coll_invoices_table", "coll_sheet_unapplied", "coll_sheet_trends"]
    for key in keys:
        for language in ("es", "en"):
            assert len(STRINGS[key][language]) <= 31, (key, language)
