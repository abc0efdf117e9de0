"""The CSV half of the bad-input catalog (docs/quality-targets.md, scenario 5).

Each case imports a folder into a database that already holds the happy folder; it must be
refused with an error naming the file, the line and the column (file-level problems such as
size or encoding name what applies), and nothing at all may be written: the row count of
every table, audit_log included, stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from operational_app.csv_import import import_dir

from .conftest import run_cli, table_counts, write_files

ACC = "account_code,name,tax_id,segment,region,tax_rate\n"
CON = ("contract_number,account_code,start_date,end_date,currency,payment_terms_days,"
       "activated_on,closed_on\n")
PP = ("contract_number,effective_from,fixed_monthly_fee,included_mono_pages,"
      "included_color_pages,mono_rate,color_rate,minimum_monthly_charge\n")
PT = "contract_number,effective_from,meter,from_page,rate\n"
DEV = ("serial,contract_number,model,installed_on,removed_on,install_mono_counter,"
       "install_color_counter\n")
MR = "serial,read_on,mono_counter,color_counter,source,meter_reset\n"
INV = ("invoice_number,contract_number,period_start,issued_on,due_on,subtotal,tax_amount,"
       "total,currency\n")
CN = "credit_note_number,invoice_number,issued_on,subtotal,tax_amount,total\n"
PAY = "payment_number,account_code,received_on,amount,currency,method\n"
APP = "payment_number,invoice_number,amount\n"
TIC = ("ticket_number,contract_number,ticket_type,opened_at,priority,serial,description,"
       "first_response_at,resolved_at,first_time_fix,closed_at\n")
STEP = "contract_number,step,decision,decided_on,notes\n"
FX = "rate_date,currency,mxn_per_unit\n"
COL = "invoice_number,action_type,action_on,promised_on,promised_amount,notes\n"
CLO = "contract_number,closed_on,reason,devices_retrieved\n"


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    # (file, line, column, part of the reason); line None and column "" for file-level errors
    expect: list[tuple[str, int | None, str, str]]
    env: dict[str, str] = field(default_factory=dict)


def one(id_: str, name: str, content: str | bytes, line: int | None, column: str,
        reason: str, **kw) -> Case:
    return Case(id_, {name: content}, [(name, line, column, reason)], **kw)


CASES = [
    # --- accounts: types, text safety, keys, header
    one("tax_rate_not_a_number", "accounts.csv", ACC + "N1,Nuevo SA,,,,dieciseis\n",
        2, "tax_rate", "must be a number"),
    one("tax_rate_as_percent", "accounts.csv", ACC + "N1,Nuevo SA,,,,16\n",
        2, "tax_rate", "below 1"),
    one("tax_rate_negative", "accounts.csv", ACC + "N1,Nuevo SA,,,,-0.16\n",
        2, "tax_rate", "≥ 0"),
    one("formula_equals_cmd", "accounts.csv", ACC + "N1,\"=cmd|' /C calc'!A0\",,,,0.16\n",
        2, "name", "spreadsheet formula"),
    one("formula_at_sum", "accounts.csv", ACC + "N1,@SUM(1),,,,0.16\n",
        2, "name", "spreadsheet formula"),
    one("formula_plus", "accounts.csv", ACC + "N1,+1+2,,,,0.16\n",
        2, "name", "spreadsheet formula"),
    one("formula_minus_in_segment", "accounts.csv", ACC + "N1,Nuevo SA,,-2+3,,0.16\n",
        2, "segment", "spreadsheet formula"),
    one("formula_leading_tab", "accounts.csv", ACC + "N1,\"\tNuevo\",,,,0.16\n",
        2, "name", "tab"),
    one("html_script_in_name", "accounts.csv",
        ACC + "N1,<script>alert(1)</script>,,,,0.16\n", 2, "name", "HTML"),
    one("bidi_override_in_name", "accounts.csv", ACC + "N1,Nuevo\u202eAS,,,,0.16\n",
        2, "name", "control character"),
    one("nul_byte_in_name", "accounts.csv", ACC + "N1,Nuevo\x00SA,,,,0.16\n",
        2, "name", "control character"),
    one("name_too_long", "accounts.csv", ACC + "N1," + "x" * 201 + ",,,,0.16\n",
        2, "name", "too long"),
    one("tax_id_not_an_rfc", "accounts.csv", ACC + "N1,Nuevo SA,XYZ123,,,0.16\n",
        2, "tax_id", "RFC"),
    one("empty_required_cell", "accounts.csv", ACC + "N1,,,,,0.16\n", 2, "name", "required"),
    one("duplicate_key_in_file", "accounts.csv",
        ACC + "N1,Nuevo SA,,,,0.16\nN1,Nuevo SA,,,,0.16\n", 3, "account_code", "duplicate"),
    one("existing_key_other_values", "accounts.csv",
        ACC + "ACME,Otro Nombre SA,ACE010203AB1,corporativo,CDMX,0.16\n",
        2, "name", "already exists with different values"),
    one("extra_column", "accounts.csv",
        ACC.strip() + ",notes\nN1,Nuevo SA,,,,0.16,hola\n", 1, "notes", "unknown column"),
    one("missing_required_column", "accounts.csv",
        "account_code,name,tax_id,segment,region\nN1,Nuevo SA,,,\n",
        1, "tax_rate", "missing"),
    one("missing_header", "accounts.csv", "N1,Nuevo SA,,,,0.16\nN2,Otro SA,,,,0.16\n",
        1, "", "missing header"),
    one("empty_file", "accounts.csv", "", 1, "", "header"),
    one("latin1_bytes", "accounts.csv",
        (ACC + "N1,Compañía SA,,,,0.16\n").encode("latin-1"), 2, "name", "not valid UTF-8"),
    one("utf16_file", "accounts.csv", (ACC + "N1,Nuevo SA,,,,0.16\n").encode("utf-16"),
        1, "", "UTF-16"),
    one("semicolon_separated", "accounts.csv",
        ACC.replace(",", ";") + "N1;Nuevo SA;;;;0,16\n", 1, "", "';'"),
    one("too_many_cells", "accounts.csv", ACC + "N1,Nuevo SA,,,,0.16,sobra\n",
        2, "#7", "cells"),
    one("too_few_cells", "accounts.csv", ACC + "N1,Nuevo SA\n", 2, "tax_id", "cells"),
    one("malformed_quotes", "accounts.csv", ACC + 'N1,"Nuevo "SA",,,,0.16\n',
        2, "", "malformed CSV"),
    one("huge_file", "accounts.csv",
        ACC + "".join(f"N{i},Nuevo {i} SA,,,,0.16\n" for i in range(400)),
        None, "", "too large", env={"SEITON_IMPORT_MAX_MB": "0.002"}),
    one("unknown_file_name", "clientes.csv", ACC + "N1,Nuevo SA,,,,0.16\n",
        None, "", "unknown file name"),
    # --- contracts: references, dates, choices
    one("unknown_account", "contracts.csv", CON + "C-9,NOPE,2025-01-01,2026-12-31,MXN,30,,\n",
        2, "account_code", "unknown account"),
    one("end_before_start", "contracts.csv",
        CON + "C-9,ACME,2025-01-01,2024-12-31,MXN,30,,\n", 2, "end_date", "after"),
    one("impossible_date", "contracts.csv", CON + "C-9,ACME,2025-02-30,2026-12-31,MXN,30,,\n",
        2, "start_date", "not a valid calendar date"),
    one("date_not_iso", "contracts.csv", CON + "C-9,ACME,01/02/2025,2026-12-31,MXN,30,,\n",
        2, "start_date", "YYYY-MM-DD"),
    one("date_out_of_range", "contracts.csv",
        CON + "C-9,ACME,1899-12-31,2026-12-31,MXN,30,,\n", 2, "start_date", "out of range"),
    one("currency_not_allowed", "contracts.csv",
        CON + "C-9,ACME,2025-01-01,2026-12-31,EUR,30,,\n", 2, "currency", "must be one of"),
    one("integer_with_decimals", "contracts.csv",
        CON + "C-9,ACME,2025-01-01,2026-12-31,MXN,30.5,,\n",
        2, "payment_terms_days", "whole number"),
    one("activated_before_start", "contracts.csv",
        CON + "C-9,ACME,2025-01-01,2026-12-31,MXN,30,2024-12-01,\n",
        2, "activated_on", "must not be before"),
    # --- price plans and tiers
    one("plan_not_first_of_month", "price_plans.csv",
        PP + "C-001,2025-03-15,2500.00,5000,1000,0.12,1.10,\n",
        2, "effective_from", "first day of a month"),
    one("thousands_separator", "price_plans.csv",
        PP + 'C-001,2025-03-01,"2,500.00",5000,1000,0.12,1.10,\n',
        2, "fixed_monthly_fee", "no thousands separator"),
    one("decimal_comma", "price_plans.csv", PP + 'C-001,2025-03-01,"2500,00",5000,1000,0.12,1.10,\n',
        2, "fixed_monthly_fee", "dot for decimals"),
    one("money_three_decimals", "price_plans.csv",
        PP + "C-001,2025-03-01,2500.001,5000,1000,0.12,1.10,\n",
        2, "fixed_monthly_fee", "decimal places"),
    one("tier_meter_not_mono_color", "price_tiers.csv", PT + "C-001,2025-01-01,black,0,0.1\n",
        2, "meter", "mono, color"),
    one("tier_without_plan", "price_tiers.csv", PT + "C-001,2025-02-01,mono,0,0.1\n",
        2, "effective_from", "no price plan"),
    # --- devices and meter readings
    one("negative_install_counter", "devices.csv",
        DEV + "SN-N1,C-001,,2025-02-01,,-5,0\n", 2, "install_mono_counter", "≥ 0"),
    one("installed_before_activation", "devices.csv",
        DEV + "SN-N1,C-001,,2025-01-05,,0,0\n", 2, "installed_on", "activation"),
    one("removed_before_installed", "devices.csv",
        DEV + "SN-N1,C-001,,2025-02-01,2025-01-20,0,0\n", 2, "removed_on", "install date"),
    one("device_key_reused_other_contract", "devices.csv",
        DEV + "SN-A1,C-002,Kyocera TASKalfa 3554ci,2025-01-15,,40000,8000\n",
        2, "contract_number", "already exists with different values"),
    one("regressing_counter", "meter_readings.csv", MR + "SN-A1,2025-03-31,50000,9600,,\n",
        2, "mono_counter", "lower than"),
    one("future_reading", "meter_readings.csv", MR + "SN-A1,2099-06-30,60000,9600,,\n",
        2, "read_on", "future"),
    one("reading_before_install", "meter_readings.csv", MR + "SN-F1,2025-01-20,600,0,,\n",
        2, "read_on", "install date"),
    one("reading_after_removal", "meter_readings.csv", MR + "SN-A2,2025-07-31,6000,0,,\n",
        2, "read_on", "removal"),
    one("unknown_device", "meter_readings.csv", MR + "SN-ZZ,2025-03-31,1,1,,\n",
        2, "serial", "unknown device"),
    one("boolean_not_true_false", "meter_readings.csv",
        MR + "SN-A1,2025-03-31,60000,9600,agent,yes\n", 2, "meter_reset", "true or false"),
    one("source_not_allowed", "meter_readings.csv",
        MR + "SN-A1,2025-03-31,60000,9600,phone,\n", 2, "source", "agent, manual"),
    one("counter_too_large", "meter_readings.csv",
        MR + "SN-A1,2025-03-31,99999999999999999999,9600,,\n", 2, "mono_counter", "too large"),
    one("timestamp_in_date_column", "meter_readings.csv",
        MR + "SN-A1,2025-03-31T10:00,60000,9600,,\n", 2, "read_on", "YYYY-MM-DD"),
    one("reading_key_other_values", "meter_readings.csv",
        MR + "SN-A1,2025-02-28,52000,9999,agent,false\n",
        2, "color_counter", "already exists with different values"),
    # --- invoices, credit notes, payments, applications
    one("unbalanced_totals", "invoices.csv",
        INV + "F-9,C-001,2025-03-01,2025-04-02,,1000.00,160.00,1170.00,MXN\n",
        2, "total", "unbalanced"),
    one("invoice_currency_not_contract", "invoices.csv",
        INV + "F-9,C-001,2025-03-01,2025-04-02,,1000.00,160.00,1160.00,USD\n",
        2, "currency", "contract C-001's currency"),
    one("invoice_period_outside_contract", "invoices.csv",
        INV + "F-9,C-001,2024-06-01,2024-07-02,,1000.00,160.00,1160.00,MXN\n",
        2, "period_start", "billable months"),
    one("invoice_negative_amount", "invoices.csv",
        INV + "F-9,C-001,2025-03-01,2025-04-02,,-1000.00,160.00,-840.00,MXN\n",
        2, "subtotal", "≥ 0"),
    one("invoice_key_other_values", "invoices.csv",
        INV + "F-1001,C-001,2025-01-01,2025-02-03,,2776.00,444.17,3220.17,MXN\n",
        2, "total", "already exists with different values"),
    one("due_before_issue", "invoices.csv",
        INV + "F-9,C-001,2025-03-01,2025-04-02,2025-04-01,1000.00,160.00,1160.00,MXN\n",
        2, "due_on", "issue date"),
    one("credit_note_over_invoice", "credit_notes.csv",
        CN + "NC-9,F-1002,2025-03-10,3000.00,480.00,3480.00\n", 2, "total", "exceeds"),
    one("credit_note_unknown_invoice", "credit_notes.csv",
        CN + "NC-9,F-9999,2025-03-10,10.00,1.60,11.60\n", 2, "invoice_number",
        "unknown invoice"),
    one("payment_zero_amount", "payments.csv", PAY + "P-9,ACME,2025-05-01,0.00,MXN,\n",
        2, "amount", "greater than 0"),
    one("payment_html_method", "payments.csv",
        PAY + "P-9,ACME,2025-05-01,10.00,MXN,<b>efectivo</b>\n", 2, "method", "HTML"),
    one("over_payment_of_invoice", "payment_applications.csv", APP + "P-02,F-1001,100.00\n",
        2, "amount", "open amount"),
    one("application_over_payment", "payment_applications.csv", APP + "P-01,F-1002,100.00\n",
        2, "amount", "unapplied amount"),
    one("application_other_currency", "payment_applications.csv",
        APP + "P-02,F-2001,10.00\n", 2, "invoice_number", "is in USD"),
    one("application_unknown_payment", "payment_applications.csv",
        APP + "P-99,F-1002,10.00\n", 2, "payment_number", "unknown payment"),
    # --- the other formats
    one("ticket_closed_not_resolved", "tickets.csv",
        TIC + "T-9,C-001,corrective,2025-03-01T10:00,,,,,,,2025-03-02T10:00\n",
        2, "closed_at", "not resolved"),
    one("first_time_fix_without_resolution", "tickets.csv",
        TIC + "T-9,C-001,corrective,2025-03-01T10:00,,,,,,true,\n",
        2, "first_time_fix", "only recorded together with resolved_at"),
    one("timestamp_malformed", "tickets.csv",
        TIC + "T-9,C-001,corrective,2025-03-01 25:00,,,,,,,\n", 2, "opened_at", "date and time"),
    one("activation_of_active_contract", "formalization_steps.csv",
        STEP + "C-001,activated,approved,2025-02-01,\n", 2, "contract_number",
        "already activated"),
    one("fx_rate_not_positive", "fx_rates.csv", FX + "2025-03-03,USD,0\n",
        2, "mxn_per_unit", "greater than 0"),
    one("promise_without_amount", "collection_actions.csv",
        COL + "F-1002,promise_to_pay,2025-04-10,2025-04-20,,\n",
        2, "promised_amount", "required for a promise"),
    one("closure_before_activation", "closures.csv", CLO + "C-001,2024-12-31,precio,0\n",
        2, "closed_on", "activation"),
    Case("dependent_file_refused_too",
         {"accounts.csv": ACC + "N1,Nuevo SA,,,,16\n",
          "contracts.csv": CON + "C-9,N1,2025-01-01,2026-12-31,MXN,30,,\n"},
         [("accounts.csv", 2, "tax_rate", "below 1"),
          ("contracts.csv", 2, "account_code", "unknown account 'N1'")]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_and_nothing_is_written(
    case: Case, happy_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    folder = write_files(tmp_path / "in", case.files)
    before = table_counts()

    report = import_dir(folder)

    assert not report.ok
    assert not report.committed
    for file, line, column, reason in case.expect:
        matches = [e for e in report.errors
                   if e.file == file and e.line == line and e.field == column
                   and reason in e.reason]
        assert matches, f"no error {file}:{line}:{column} '{reason}' in:\n" + "\n".join(
            str(e) for e in report.errors)
        text = str(matches[0])
        assert text.startswith(file)
        if line is not None:
            assert f"line {line}" in text
        if column:
            assert f"column '{column}'" in text
    assert table_counts() == before


def test_catalog_size() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


def test_every_error_of_a_file_is_reported(happy_home: Path, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "in", {"accounts.csv": (
        ACC
        + "N1,Bueno SA,,,,0.16\n"          # fine, but the file is refused as a whole
        + "N2,=1+1,,,,abc\n"                # two errors in one row
        + "N3,<script>x</script>,,,,0.16\n"
        + "N1,Bueno SA,,,,0.16\n"           # duplicate of line 2
        + "N4,Otro SA,MAL,,,1.5\n"          # two errors
        + ",Sin Codigo,,,,0.16\n"           # missing key
    )})
    before = table_counts()
    report = import_dir(folder)
    found = {(e.line, e.field) for e in report.errors}
    assert found == {(3, "name"), (3, "tax_rate"), (4, "name"), (5, "account_code"),
                     (6, "tax_id"), (6, "tax_rate"), (7, "account_code")}
    fr = report.file("accounts.csv")
    assert (fr.refused_rows, fr.row_count, fr.committed) == (5, 6, False)
    assert [e.line for e in report.errors] == sorted(e.line for e in report.errors)
    assert table_counts() == before


def test_error_cap_keeps_memory_bounded(
    happy_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from operational_app.csv_import import importer

    monkeypatch.setattr(importer, "MAX_ERRORS_PER_FILE", 3)
    rows = "".join(f"N{i},Nuevo {i},,,,9\n" for i in range(5))
    report = import_dir(write_files(tmp_path / "in", {"accounts.csv": ACC + rows}))
    fr = report.file("accounts.csv")
    assert fr.refused_rows == 5 and fr.errors_not_listed == 2
    assert str(fr.errors[-1]).endswith("… and 2 more error(s) not listed")


def test_cli_prints_every_error_and_exits_non_zero(
    happy_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_files(tmp_path / "in", {
        "accounts.csv": ACC + "N1,@SUM(1),,,,0.16\nN2,Nuevo SA,,,,16\n",
        "payments.csv": PAY + "P-9,ACME,2025-05-01,10.00,MXN,\n",
    })
    before = table_counts()
    assert run_cli("import", str(folder)) == 1
    captured = capsys.readouterr()
    assert "accounts.csv: refused — 2 error(s) in 2 of 2 rows" in captured.out
    assert "payments.csv: imported — 1 inserted" in captured.out  # files are independent
    assert "accounts.csv, line 2, column 'name': must not start with '@'" in captured.err
    assert "accounts.csv, line 3, column 'tax_rate': must be below 1" in captured.err
    assert captured.err.strip().splitlines()[-1].startswith("seiton import: import refused: 2")
    after = table_counts()
    assert after["accounts"] == before["accounts"]
    assert after["payments"] == before["payments"] + 1


def test_bad_user_and_missing_folder(happy_home: Path, tmp_path: Path) -> None:
    report = import_dir(tmp_path / "nope")
    assert not report.ok and "is not a folder" in str(report.errors[0])
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no CSV files" in str(import_dir(empty).errors[0])
    folder = write_files(tmp_path / "in", {"accounts.csv": ACC + "N1,Nuevo SA,,,,0.16\n"})
    before = table_counts()
    report = import_dir(folder, actor="=cmd")
    assert not report.ok and "importing user" in str(report.errors[0])
    assert table_counts() == before


def test_uninitialised_database(seiton_home: Path, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "in", {"accounts.csv": ACC + "N1,Nuevo SA,,,,0.16\n"})
    report = import_dir(folder)
    assert not report.ok and "seiton init" in str(report.errors[0])


def test_database_locked_is_a_clear_error_not_a_traceback(
    happy_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holds SQLite's write lock past the busy timeout: the file is refused
    with the reason, nothing is written, the command still reports."""
    import sqlite3

    from operational_app.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    engine.dispose_engines()
    folder = write_files(tmp_path / "in", {"accounts.csv": ACC + "N1,Nuevo SA,,,,0.16\n"})
    before = table_counts()
    other = sqlite3.connect(happy_home / "operational.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        report = import_dir(folder)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not report.ok and not report.committed
    assert "database is locked" in str(report.errors[0])
    assert report.errors[0].file == "accounts.csv"
    engine.dispose_engines()
    assert table_counts() == before
