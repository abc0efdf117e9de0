"""The billing run's report and the import summaries in the user's language (docs/
conventions.md, "Messages"): Spanish on the app's default and with SEITON_LANG=es, the
English the CLI has always printed otherwise — same amounts, numbers and codes in both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from operational_app.csv_import.report import FileReport, ImportReport
from operational_app.domain import messages
from operational_app.domain.billing_run import Item, RunReport
from operational_app.meter_capture.importer import MeterImport


def _report(dry_run: bool) -> RunReport:
    report = RunReport(date(2026, 10, 1), post=True, dry_run=dry_run)
    report.items = [
        Item("posted", "C-0001", "invoice", "charge", Decimal("1000.00"), Decimal("160.00"),
             Decimal("1160.00"), "MXN", number="F12"),
        Item("excluded", "C-0002", note="Cliente en disputa"),
        Item("nothing", "C-0003", note=messages.msg("the charge is 0.00")),
        Item("adjustment", "C-0004", "credit_note", "adjustment", Decimal("-5.00"),
             Decimal("-0.80"), Decimal("-5.80"), "USD",
             note=messages.msg("against {invoice}: charge {expected}, posted {posted}",
                               invoice="F1", expected=Decimal("10.00"),
                               posted=Decimal("15.00"))),
    ]
    return report


def test_the_billing_run_report_in_spanish() -> None:
    assert _report(dry_run=False).lines("es") == [
        "C-0001: factura emitida F12 1000.00 + 160.00 = 1160.00 MXN",
        "C-0002: excluido — Cliente en disputa",  # finance's own words stay as typed
        "C-0003: sin cargo — el cargo es 0.00",
        "C-0004: nota de crédito de ajuste propuesta -5.00 + -0.80 = -5.80 USD — contra F1: "
        "cargo 10.00, emitido 15.00",
        "emisión 2026-10: propuesta: 1, excluido: 1, sin cargo: 1, emitida: 1",
    ]
    dry = _report(dry_run=True).lines("es")
    assert dry[0] == "C-0001: factura emitida (simulación) F12 1000.00 + 160.00 = 1160.00 MXN"
    assert dry[-1].startswith("emisión 2026-10 (simulación, no se escribió nada): ")


def test_the_billing_run_report_in_english_reads_as_it_always_did() -> None:
    lines = _report(dry_run=True).lines("en")
    assert lines == _report(dry_run=True).lines()
    assert lines == [
        "C-0001: would be posted invoice F12 1000.00 + 160.00 = 1160.00 MXN",
        "C-0002: excluded — Cliente en disputa",
        "C-0003: nothing — the charge is 0.00",
        "C-0004: would be adjustment adjustment credit note -5.00 + -0.80 = -5.80 USD — "
        "against F1: charge 10.00, posted 15.00",
        "billing run 2026-10 (dry run, nothing written): 1 adjustment, 1 excluded, "
        "1 nothing, 1 posted",
    ]
    assert RunReport(date(2026, 10, 1), post=False).lines("es") == ["emisión 2026-10: nada"]


def test_the_csv_import_summary_in_both_languages() -> None:
    ok = FileReport("accounts.csv", "accounts.csv", committed=True, inserted=3, updated=1,
                    unchanged=2)
    refused = FileReport("devices.csv", "devices.csv", refused_rows=2, inserted=5)
    refused.errors = [object(), object()]  # counted only
    report = ImportReport(files=[ok, refused])
    assert report.summary_lines("es") == [
        "accounts.csv: importado — 3 nuevas, 1 actualizadas, 2 sin cambio",
        "devices.csv: rechazado — 2 error(es) en 2 de 7 filas; no se escribió nada de este "
        "archivo",
        "2 archivo(s): 3 filas nuevas, 1 actualizadas, 2 sin cambio; 1 archivo(s) "
        "rechazado(s)",
    ]
    assert report.summary_lines("en") == [
        "accounts.csv: imported — 3 inserted, 1 updated, 2 unchanged",
        "devices.csv: refused — 2 error(s) in 2 of 7 rows; nothing written for this file",
        "2 file(s): 3 rows inserted, 1 updated, 2 unchanged; 1 file(s) refused",
    ]


def test_the_meter_import_summary_in_both_languages() -> None:
    report = MeterImport("agent.csv", "generic", inserted=12_345, held=3, unchanged=0,
                         unknown_serials={"X1": [4, 9]}, written=True)
    assert report.summary("es") == (
        "agent.csv (generic): 12,345 lectura(s) importada(s), 3 de ellas retenidas para "
        "revisión; 0 sin cambio; 2 fila(s) de 1 número(s) de serie desconocido(s) omitidas")
    assert report.summary("en") == (
        "agent.csv (generic): imported 12,345 reading(s), 3 of them held for review; "
        "0 unchanged; 2 row(s) of 1 unknown serial(s) skipped")
