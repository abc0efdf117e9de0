"""`seiton import-meters FILE --profile NAME` on generated, realistic agent exports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from operational_app.domain import meter_profiles
from operational_app.meter_capture import samples as exports
from operational_app.meter_capture.importer import import_meters
from operational_app.store.engine import read_session
from operational_app.store.models import AuditLog, MeterReading
from seiton.cli import main

from .conftest import SERIALS, last_read, table_counts


def fleet(per_day: int = 100, color_per_day: int = 10) -> list[exports.Fleet]:
    return [exports.Fleet(s, 1000 + 700 * 12, 200 + 70 * 12, last_read(), per_day,
                          color_per_day) for s in SERIALS]


def fmaudit(tmp_path, rows=None, name="fmaudit-like.csv"):
    rows = rows if rows is not None else exports.fmaudit_rows(fleet(), 14)
    return exports.write_fmaudit(tmp_path / name, rows)


def test_the_shipped_profiles_parse_and_round_trip():
    texts = meter_profiles.shipped()
    assert {"generic", "fmaudit-es", "kmnet-counters"} <= set(texts)
    for text in texts.values():
        profile = meter_profiles.parse_profile(text)
        assert meter_profiles.parse_profile(meter_profiles.to_yaml(profile)) == profile


def test_cli_imports_a_realistic_fmaudit_export(url, tmp_path, capsys):
    path = fmaudit(tmp_path)
    before = table_counts(url)
    assert main(["import-meters", str(path), "--profile", "fmaudit-es"]) == 0
    out = capsys.readouterr().out
    assert "imported 56 reading(s), 0 of them held" in out  # 4 devices × 14 days
    assert "4 unchanged" in out  # the first scan of each device sent twice
    assert "unknown serial CLI-" in out and "3 unknown serial(s)" in out
    after = table_counts(url)
    assert after["meter_readings"] - before["meter_readings"] == 56
    assert after["audit_log"] - before["audit_log"] == 56
    with read_session(url) as s:
        first = s.scalars(select(MeterReading).where(
            MeterReading.read_on == last_read() + timedelta(days=1))).first()
        assert first.source == "agent" and first.review_status == "counted"
        entry = s.scalars(select(AuditLog).where(AuditLog.entity == "meter_readings")
                          .order_by(AuditLog.id.desc())).first()
        assert entry.action == "create" and '"review_status": "counted"' in entry.after_json
    # agents re-send: the same file again changes nothing
    assert main(["import-meters", str(path), "--profile", "fmaudit-es"]) == 0
    assert "imported 0 reading(s)" in capsys.readouterr().out
    assert table_counts(url) == after


def test_a_spike_in_an_export_is_held(url, tmp_path):
    rows = exports.fmaudit_rows(fleet(), 7, every=7, resend=False, customer_owned=0)
    rows[0][7] = exports.thousands(1000 + 700 * 12 + 60_000)  # SN1: 60,000 pages in a week
    report = import_meters(fmaudit(tmp_path, rows), "fmaudit-es")
    assert report.written and report.held == 1 and report.inserted == 4
    with read_session(url) as s:
        held = s.scalars(select(MeterReading).where(MeterReading.review_status == "held")).one()
        assert held.review_reason.startswith("spike")


def test_kmnet_total_and_colour_counters(url, tmp_path):
    fl = fleet()
    for f in fl:
        f.mono += 700
        f.color += 70
    path = tmp_path / "kmnet.csv"
    path.write_text(exports.kmnet_text(fl, last_read() + timedelta(days=7)))
    report = import_meters(path, "kmnet-counters")
    assert report.ok and report.inserted == 4, [str(e) for e in report.errors]
    with read_session(url) as s:
        r = s.scalars(select(MeterReading).order_by(MeterReading.id.desc())).first()
        assert (r.mono_counter, r.color_counter) == (1000 + 700 * 13, 200 + 70 * 13)


def test_a_yaml_profile_file(url, tmp_path):
    profile = tmp_path / "mine.yaml"
    profile.write_text(meter_profiles.shipped()["fmaudit-es"].replace(
        "name: fmaudit-es", "name: mine"), encoding="utf-8")
    report = import_meters(fmaudit(tmp_path), str(profile))
    assert report.ok and report.profile == "mine" and report.inserted == 56


def test_generic_reads_the_products_own_format(url, tmp_path):
    day = last_read() + timedelta(days=3)
    path = tmp_path / "meter_readings.csv"
    path.write_text("serial,read_on,mono_counter,color_counter,source,meter_reset\n"
                    f"SN1,{day},9700,1050,manual,\nSN2,{day},5,0,,true\n")
    report = import_meters(path, "generic")
    assert report.ok and report.inserted == 2, [str(e) for e in report.errors]
    with read_session(url) as s:
        reset = s.scalars(select(MeterReading).where(MeterReading.meter_reset.is_(True))).one()
        assert reset.mono_counter == 5


# ------------------------------------------------------------------ bad input: line, column,
# value, and nothing written


def refused(url, path, profile, line, column, value, reason):
    before = table_counts(url)
    report = import_meters(path, profile)
    assert not report.ok and not report.written
    assert table_counts(url) == before
    hit = [e for e in report.errors if e.line == line and e.column == column
           and e.value == value and reason in e.reason]
    assert hit, [str(e) for e in report.errors]
    assert main(["import-meters", str(path), "--profile", profile]) == 1
    assert table_counts(url) == before
    return report


def test_a_profile_column_missing_from_the_file(url, tmp_path):
    rows = exports.fmaudit_rows(fleet(), 3)
    path = tmp_path / "x.csv"
    header = [h if h != "Páginas color" else "Paginas Color" for h in exports.FMAUDIT_HEADER]
    path.write_bytes(("\r\n".join([";".join(header)] + [";".join(r) for r in rows]))
                     .encode("cp1252"))
    refused(url, path, "fmaudit-es", 1, "Páginas color", "Páginas color", "no such column")


def test_wrong_encoding(url, tmp_path):
    path = fmaudit(tmp_path)
    profile = tmp_path / "utf8.yaml"
    profile.write_text(meter_profiles.shipped()["fmaudit-es"].replace("cp1252", "utf-8")
                       .replace("name: fmaudit-es", "name: fmaudit-utf8"), encoding="utf-8")
    # 'ó' of 'Ubicación' is 0xf3 in cp1252: not UTF-8, on the header line
    report = refused(url, path, str(profile), 1, "", "f3", "is not utf-8")
    assert "byte offset" in report.errors[0].reason


def test_utf8_file_under_a_cp1252_profile(url, tmp_path):
    path = fmaudit(tmp_path)
    path.write_bytes(path.read_bytes().decode("cp1252").encode("utf-8"))
    refused(url, path, "fmaudit-es", 1, "", "c3 b3", "the file is UTF-8")


def test_a_date_not_matching_the_format(url, tmp_path):
    rows = exports.fmaudit_rows(fleet(), 3, resend=False)
    rows[4][6] = "2026-04-05"
    refused(url, fmaudit(tmp_path, rows), "fmaudit-es", 6, "Fecha de auditoría", "2026-04-05",
            "does not match the profile's date format %d/%m/%Y")


def test_two_rows_for_one_serial_and_day_with_different_counters(url, tmp_path):
    rows = exports.fmaudit_rows(fleet(), 3, resend=False)
    twin = list(rows[1])
    twin[7] = exports.thousands(int(twin[7].replace(".", "")) + 5)
    rows.append(twin)
    line = len(rows) + 1
    refused(url, fmaudit(tmp_path, rows), "fmaudit-es", line, "Páginas monocromo", twin[7],
            "line 3 has another reading of device SN1")


@pytest.mark.parametrize("cell, value, reason", [
    (7, "12,5", "not a whole page counter"),
    (7, "9.000,00", "9.000,00"),
    (7, "", "is required"),
    (8, "-3", "not a page counter"),
])
def test_bad_counters(url, tmp_path, cell, value, reason):
    rows = exports.fmaudit_rows(fleet(), 3, resend=False)
    rows[2][cell] = value
    column = exports.FMAUDIT_HEADER[cell]
    if reason == value:  # a valid counter ('.' thousands, ',00' decimals) that went down
        reason, value = "lower than device SN1's previous mono counter", value
    refused(url, fmaudit(tmp_path, rows), "fmaudit-es", 4, column, value, reason)


def test_a_counter_going_down_names_line_column_and_value(url, tmp_path):
    rows = exports.fmaudit_rows(fleet(), 3, resend=False, customer_owned=0)
    rows[1][7] = exports.thousands(500)
    report = refused(url, fmaudit(tmp_path, rows), "fmaudit-es", 3, "Páginas monocromo",
                     "500", "lower than device SN1's previous mono counter")
    # only that row: the next day is checked against what counts (day 1) and fits
    assert len(report.errors) == 1


def test_unknown_serials_as_errors_when_the_profile_says_so(url, tmp_path):
    profile = tmp_path / "strict.yaml"
    profile.write_text(meter_profiles.shipped()["fmaudit-es"].replace(
        "unknown_serials: skip", "unknown_serials: error").replace(
        "name: fmaudit-es", "name: strict"), encoding="utf-8")
    path = fmaudit(tmp_path)
    report = import_meters(path, str(profile))
    assert not report.ok and all(e.column == "Número de serie" for e in report.errors)
    assert {e.value[:4] for e in report.errors} == {"CLI-"}


def test_the_fast_path_on_postgresql(pg_url, tmp_path):
    """The batch path's PostgreSQL branch (Core inserts, ids by the unique key)."""
    from domain.conftest import Builder

    from operational_app.store.engine import write_session
    from operational_app.store.migrate import upgrade

    upgrade(pg_url)
    with write_session(pg_url) as s:
        Builder(s).world()
    rows = exports.fmaudit_rows([exports.Fleet("SN1", 1000, 200, last_read() - timedelta(
        weeks=12))], 5, resend=True, customer_owned=1)
    report = import_meters(fmaudit(tmp_path, rows), "fmaudit-es", url=pg_url)
    assert report.ok and report.written and report.inserted == 5 and report.unchanged == 1
    with read_session(pg_url) as s:
        stored = s.scalars(select(MeterReading).order_by(MeterReading.read_on)).all()
        audits = s.scalars(select(AuditLog).where(AuditLog.entity == "meter_readings")).all()
        assert [r.mono_counter > 1000 for r in stored] == [True] * 5
        assert sorted(a.entity_key for a in audits) == sorted(
            f"SN1:{r.read_on}" for r in stored)
    again = import_meters(fmaudit(tmp_path, rows), "fmaudit-es", url=pg_url)
    assert again.ok and again.inserted == 0 and again.unchanged == 6
