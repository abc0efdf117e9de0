"""Previews (always rolled back), lifecycle updates on re-import, and the tolerated shapes of
a CSV file (BOM, CRLF, quoted line breaks, column order, case of fixed values)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from operational_app.csv_import import (
    import_dir,
    import_file,
    preview_dir,
    preview_file,
    preview_files,
)
from operational_app.store import models as m
from operational_app.store.engine import read_session

from .conftest import HAPPY, table_counts, write_files
from .test_bad_input import ACC, CON, DEV, MR, TIC
from .test_docs import examples


def test_preview_file_reports_every_row_and_writes_nothing(happy_home: Path) -> None:
    data = (ACC + "ACME,Aceros del Centro SA de CV,ACE010203AB1,corporativo,CDMX,0.16\n"
            "N1,Nuevo SA,,,,0.16\nN2,@SUM(1),,,,0.16\n").encode()
    before = table_counts()
    report = preview_file(data, "accounts.csv")
    assert report.preview and not report.ok and not report.committed
    rows = report.files[0].rows
    assert [(r.line, r.status, r.key) for r in rows] == [
        (2, "unchanged", "ACME"), (3, "inserted", "N1"), (4, "error", "N2")]
    assert [(e.line, e.column) for e in rows[2].errors] == [(4, "name")]
    assert report.as_dict()["files"][0]["rows"][2]["errors"][0]["column"] == "name"
    assert "preview: nothing written" in report.summary_lines()[-1]
    assert table_counts() == before

    good = preview_file(ACC.encode() + b"N1,Nuevo SA,,,,0.16\n", "accounts.csv")
    assert good.ok and good.files[0].status == "valid" and good.inserted == 1
    assert table_counts() == before


def test_preview_dir_sees_earlier_files_and_rolls_back(empty_home: Path) -> None:
    before = table_counts()
    report = preview_dir(HAPPY)
    assert report.ok, [str(e) for e in report.errors]
    assert report.inserted == 34 and report.file("payment_applications.csv").inserted == 3
    assert all(r.status == "inserted" for f in report.files for r in f.rows)
    assert table_counts() == before


def test_preview_drops_a_refused_file_like_an_import(empty_home: Path) -> None:
    report = preview_files([
        ("contracts.csv", (CON + "C-9,N1,2025-01-01,2026-12-31,MXN,30,,\n").encode()),
        ("accounts.csv", (ACC + "N1,Nuevo SA,,,,16\n").encode()),
    ])
    assert [f.file for f in report.files] == ["accounts.csv", "contracts.csv"]
    assert [f.status for f in report.files] == ["refused", "refused"]
    assert "unknown account 'N1'" in str(report.file("contracts.csv").errors[0])
    assert "accounts.csv refused too" in report.file("contracts.csv").note


def test_import_file_from_upload_bytes(empty_home: Path) -> None:
    report = import_file(ACC.encode() + b"N1,Nuevo SA,,,,0.16\n", actor="ana.garcia",
                         filename="accounts.csv")
    assert report.ok and report.committed and report.inserted == 1
    with read_session() as s:
        assert s.scalars(select(m.Account.created_by)).one() == "ana.garcia"
        audit = s.scalars(select(m.AuditLog)).one()
        assert (audit.username, audit.action, audit.entity, audit.entity_key) == (
            "ana.garcia", "create", "accounts", "N1")


def test_files_are_ordered_by_dependency_not_by_listing(empty_home: Path) -> None:
    from operational_app.csv_import import import_files

    items = [(p.name, p) for p in sorted(HAPPY.iterdir(), reverse=True)]
    report = import_files(items)
    assert report.ok and report.inserted == 34


def test_tolerated_file_shapes(empty_home: Path, tmp_path: Path) -> None:
    """BOM, CRLF, columns in another order, optional columns left out, spaces around values,
    fixed values in capitals, a quoted cell with a comma and a line break, blank lines."""
    files = {
        "accounts.csv": ("\ufefftax_rate,account_code,name\r\n"
                         " 0.16 , ACME ,\"Aceros, del Centro\"\r\n\r\n,,\r\n").encode("utf-8"),
        "contracts.csv": CON + "C-1,ACME,2025-01-01,2027-12-31,mxn,30,2025-01-10,\n",
        "price_plans.csv": "contract_number,effective_from,fixed_monthly_fee,"
                           "included_mono_pages,included_color_pages,mono_rate,color_rate\n"
                           "C-1,2025-01-01,100,0,0,0.1,1\n",
        "devices.csv": DEV + "SN-1,C-1,,2025-01-15,,0,0\n",
        "tickets.csv": TIC + 'T-1,C-1,Corrective,2025-02-03 09:00,HIGH,SN-1,"Línea 1\n'
                             'línea 2, con coma",,,,\n'
                             "T-2,C-1,request,2025-02-04T09:00,,,,,,,\n",
    }
    report = import_dir(write_files(tmp_path / "in", files))
    assert report.ok, [str(e) for e in report.errors]
    with read_session() as s:
        account = s.scalars(select(m.Account)).one()
        assert (account.account_code, account.name, account.tax_id) == (
            "ACME", "Aceros, del Centro", None)
        assert s.scalars(select(m.Contract.currency)).one() == "MXN"
        t1 = s.scalars(select(m.Ticket).where(m.Ticket.ticket_number == "T-1")).one()
        assert (t1.ticket_type, t1.priority, t1.description) == (
            "corrective", "high", "Línea 1\nlínea 2, con coma")
    again = import_dir(write_files(tmp_path / "in", files))
    assert again.ok and again.unchanged == 6 and again.inserted == 0


def test_line_numbers_count_quoted_line_breaks(empty_home: Path, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "in", {"accounts.csv": (
        ACC + 'N1,"Nombre\nen dos líneas",,,,0.16\nN2,Nuevo SA,,,,abc\n')})
    report = import_dir(folder)
    # a name may not hold a line break (the record starts on line 2); the next row is line 4
    assert [(e.line, e.column) for e in report.errors] == [(2, "name"), (4, "tax_rate")]
    assert "control character" in report.errors[0].reason


def test_lifecycle_columns_move_rows_forward(empty_home: Path, tmp_path: Path) -> None:
    docs = examples()
    assert import_dir(write_files(tmp_path / "docs", docs)).ok
    before = table_counts()
    later = {
        "tickets.csv": docs["tickets.csv"].replace(
            "T-002,C-100,request,2025-04-02T11:00:00-06:00,,,\"Capacitación adicional, "
            "turno vespertino\",,,,",
            "T-002,C-100,request,2025-04-02T11:00:00-06:00,,,\"Capacitación adicional, "
            "turno vespertino\",2025-04-02T11:30,2025-04-04T10:00,,2025-04-04T12:00"),
        "maintenance_visits.csv": docs["maintenance_visits.csv"].replace(
            "MV-002,SN-100,2025-08-20,", "MV-002,SN-100,2025-08-20,2025-08-21"),
        "devices.csv": docs["devices.csv"].replace(
            "SN-101,C-100,Kyocera ECOSYS M3655idn,2025-02-20,,",
            "SN-101,C-100,Kyocera ECOSYS M3655idn,2025-02-20,2025-06-30,"),
        "contracts.csv": CON.strip() + ",billing_day,opportunity_code\n"
                         "C-100,ACME,2025-02-10,2028-02-09,MXN,30,2025-02-17,2026-06-30,1,"
                         "OP-001\n",
    }
    assert later["tickets.csv"] != docs["tickets.csv"]
    report = import_dir(write_files(tmp_path / "later", later))
    assert report.ok, [str(e) for e in report.errors]
    assert {f.file: (f.updated, f.unchanged) for f in report.files} == {
        "contracts.csv": (1, 0), "devices.csv": (1, 2), "maintenance_visits.csv": (1, 1),
        "tickets.csv": (1, 1)}
    with read_session() as s:
        t2 = s.scalars(select(m.Ticket).where(m.Ticket.ticket_number == "T-002")).one()
        assert (t2.first_response_at, t2.resolved_at, t2.closed_at) == (
            datetime(2025, 4, 2, 11, 30), datetime(2025, 4, 4, 10), datetime(2025, 4, 4, 12))
        assert s.scalars(select(m.Device.removed_on).where(m.Device.serial == "SN-101")
                         ).one() == date(2025, 6, 30)
        closure = s.scalars(select(m.Closure).join(
            m.Contract, m.Contract.id == m.Closure.contract_id).where(
            m.Contract.contract_number == "C-100")).one()
        assert (closure.closed_on, closure.reason) == (date(2026, 6, 30), "imported")
        updates = s.scalars(select(m.AuditLog).where(m.AuditLog.action == "update")).all()
        assert {u.username for u in updates} == {"import"}
    after = table_counts()
    assert after["tickets"] == before["tickets"] and after["closures"] == before["closures"] + 1
    # the same later files again: nothing moves
    again = import_dir(write_files(tmp_path / "later", later))
    assert again.ok and again.updated == 0 and again.inserted == 0
    assert table_counts() == after
    # and the first files, with the lifecycle cells still empty, are unchanged too
    first = import_dir(write_files(tmp_path / "docs", docs))
    assert first.ok and first.updated == 0 and first.inserted == 0


def test_lifecycle_conflicts_and_refused_moves(empty_home: Path, tmp_path: Path) -> None:
    docs = examples()
    assert import_dir(write_files(tmp_path / "docs", docs)).ok
    before = table_counts()
    files = {
        # T-001 was resolved at 16:40: another time is a conflict, not an update
        "tickets.csv": docs["tickets.csv"].replace("2025-03-12T16:40", "2025-03-12T17:00"),
        # an accepted proposal cannot go back to sent (the domain's rule)
        "proposals.csv": docs["proposals.csv"].replace(",accepted", ",sent"),
        # a reading dated after a removal recorded by the same row's device file
        "meter_readings.csv": MR + "SN-200,2025-02-15,900,0,,\n",
    }
    report = import_dir(write_files(tmp_path / "bad", files))
    errors = {(e.file, e.line, e.column): e.reason for e in report.errors}
    assert "already exists with different values" in errors[("tickets.csv", 2, "resolved_at")]
    assert "cannot change a accepted proposal to sent" in errors[("proposals.csv", 2, "status")]
    assert "removal" in errors[("meter_readings.csv", 2, "read_on")]
    assert table_counts() == before


def test_withdrawn_row_is_not_imported_again(happy_home: Path, tmp_path: Path) -> None:
    from operational_app.domain import billing
    from operational_app.store.engine import write_session

    with write_session() as s:
        billing.withdraw_meter_reading(s, "ana", serial="SN-A1", read_on="2025-02-28")
    # readings revive: the domain records the withdrawn key again
    report = import_dir(write_files(tmp_path / "in", {
        "meter_readings.csv": MR + "SN-A1,2025-02-28,52000,9500,,\n"}))
    assert report.ok and report.inserted == 1
    with read_session() as s:
        row = s.scalars(select(m.MeterReading).join(m.Device).where(
            m.Device.serial == "SN-A1", m.MeterReading.read_on == date(2025, 2, 28))).one()
        assert row.deleted_at is None
