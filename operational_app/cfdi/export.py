"""`seiton cfdi export PERIOD`: the unsigned CFDI 4.0 of the period's posted invoices (by
billing period) and of the credit notes against them, one file each (docs/cfdi.md).

Nothing is written to the operational DB. The same DB state gives the same bytes: every
value comes from the stored documents (the issue date, the rate fixed at posting, the
stored line taxes), never from the clock. A document that cannot become a valid CFDI is
reported with its reason and the others are still exported.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.cfdi import build, schema
from operational_app.domain.fields import Refusal
from operational_app.domain.fiscal import fiscal_config
from operational_app.store.models import CreditNote, Invoice

# Fixed zip entry time: a re-export gives the same archive bytes too.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass
class ExportReport:
    period: date
    files: dict[str, bytes] = field(default_factory=dict)  # file name → XML
    errors: list[str] = field(default_factory=list)  # "F1024: reason"

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_period(text: str) -> date:
    """`2026-03` → 2026-03-01; a `Refusal` (a ValueError) with the reason otherwise."""
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise Refusal("the period must be a month as YYYY-MM, not {text!r}", text=text) from None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def build_period(session: Session, period: date) -> ExportReport:
    """Every document of the period as XML, each checked against the CFDI 4.0 schema."""
    config = fiscal_config(session)
    report = ExportReport(period)
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.period_start >= period, Invoice.period_start < _next_month(period))
        .order_by(Invoice.invoice_number)))
    notes = list(session.scalars(select(CreditNote).where(
        CreditNote.invoice_id.in_([i.id for i in invoices]))
        .order_by(CreditNote.credit_note_number))) if invoices else []
    jobs = [(build.file_name(i.series, i.folio, i.invoice_number), i.invoice_number,
             lambda i=i: build.invoice_xml(session, i, config)) for i in invoices]
    jobs += [(build.file_name(n.series, n.folio, n.credit_note_number), n.credit_note_number,
              lambda n=n: build.credit_note_xml(session, n, config)) for n in notes]
    for name, number, make in jobs:
        if name in report.files:
            report.errors.append(f"{number}: a second document would be written as {name}")
            continue
        try:
            xml = make()
        except build.BuildError as exc:
            report.errors.append(f"{number}: {exc}")
            continue
        problems = schema.validate(etree.fromstring(xml), unsigned=True)
        if problems:
            report.errors.append(f"{number}: the XML fails the CFDI 4.0 schema: {problems[0]}")
            continue
        report.files[name] = xml
    return report


def write_files(report: ExportReport, folder: Path) -> list[Path]:
    """Write each file (atomically: a reader never sees half a file)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, xml in report.files.items():
        target = folder / name
        tmp = target.with_suffix(".xml.tmp")
        tmp.write_bytes(xml)
        os.replace(tmp, target)
        written.append(target)
    return written


def as_zip(report: ExportReport) -> bytes:
    """The period's files in one archive (the finance page's download), deterministic."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(report.files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, report.files[name])
    return buffer.getvalue()


def default_folder(home: Path, period: date) -> Path:
    return home / "cfdi" / "export" / period.strftime("%Y-%m")
