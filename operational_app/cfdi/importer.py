"""`seiton import DIR`, the CFDI part: `*.xml` files and the SAT's metadata file of the
folder (docs/cfdi.md, "CFDI in"). The CSV importer hands them over (`split`).

Each file is all-or-nothing: it is written inside its own SAVEPOINT through the domain
layer (domain/cfdi.py), and a refused file's savepoint is rolled back, naming the file and
the node/attribute (or line and column) at fault. Files are committed in batches of
BATCH_FILES so 10,000 files do not cost 10,000 synchronous commits; a crash loses at most
the batch in progress, which a re-run imports (the import is idempotent by UUID).

Order: ingresos, then egresos, then pagos (each names invoices imported before it), each by
stamp time; the metadata file last, so its cancellations find the documents.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from operational_app.cfdi import metadata, reader
from operational_app.csv_import.report import CsvError, FileReport, ImportReport
from operational_app.domain import cfdi as domain
from operational_app.domain import messages
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import write_session

BATCH_FILES = 500
XML, METADATA = "cfdi", "sat_metadata"
_TYPE_ORDER = {"I": 0, "E": 1, "P": 2}


class XmlError(CsvError):
    """A problem in a CFDI file: `field` is the node path, e.g. cfdi:Comprobante/@Total."""

    def describe(self, lang: str) -> str:
        where = [self.file or messages.render("(import)", {}, lang)]
        if self.line is not None:
            where.append(messages.render("line {line}", {"line": self.line}, lang))
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.text(lang)}"

    def __str__(self) -> str:
        where = [self.file or "(import)"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.reason}"


@dataclass
class _Item:
    name: str
    source: Any
    kind: str
    report: FileReport
    data: bytes | None = None
    cfdi: reader.Cfdi | None = None
    rows: list[domain.MetadataRow] | None = None


class _Discard(Exception):
    pass


def _head(source: Any) -> bytes:
    if isinstance(source, bytes):
        return source[:4096]
    try:
        with open(source, "rb") as fh:
            return fh.read(4096)
    except OSError:
        return b""


def split(items: Iterable[tuple[str, Any]]) -> tuple[list[tuple[str, Any]], list[_Item]]:
    """The CSV files, and the CFDI files: `*.xml` by name, the SAT's metadata by its header."""
    csv_items, cfdi_items = [], []
    for name, source in items:
        if name.lower().endswith(".xml"):
            kind = XML
        elif not name.lower().endswith(".csv") and metadata.is_metadata(_head(source)):
            kind = METADATA
        else:
            csv_items.append((name, source))
            continue
        cfdi_items.append(_Item(name, source, kind, FileReport(file=name, format=kind)))
    return csv_items, cfdi_items


def _read(item: _Item, limit: int) -> bool:
    fr = item.report
    try:
        size = len(item.source) if isinstance(item.source, bytes) else os.stat(item.source).st_size
        if size > limit:
            fr.errors.append(XmlError("", "is too large: {size:,} bytes, the limit is "
                                          "{limit:,} bytes (SEITON_IMPORT_MAX_MB)", None,
                                      item.name, params={"size": size, "limit": limit}))
            return False
        item.data = item.source if isinstance(item.source, bytes) else \
            Path(item.source).read_bytes()
    except OSError as exc:
        fr.errors.append(XmlError("", "cannot be read: {strerror}", None, item.name, params={"strerror": exc.strerror}))
        return False
    if item.kind == METADATA:
        item.rows, errors = metadata.parse(item.data, item.name)
        fr.errors.extend(errors)
        return not errors
    try:
        item.cfdi = reader.read(item.data)
    except reader.XmlRefused as exc:
        fr.errors.append(XmlError(exc.node, exc.template, exc.line, item.name, exc.params))
        return False
    return True


def _order(item: _Item) -> tuple:
    if item.kind == METADATA:
        return (9, "", item.name)
    c = item.cfdi
    first_paid = min((p.paid_at for p in c.pagos), default=c.stamped_at)
    return (_TYPE_ORDER[c.cfdi_type], first_paid.isoformat(), c.stamped_at.isoformat(),
            item.name)


def _write(session: Session, item: _Item, actor: str, issuer: str | None) -> None:
    fr = item.report
    try:
        with session.begin_nested():
            if item.kind == METADATA:
                for row in item.rows or []:
                    outcome = domain.record_cancellation(session, actor, row,
                                                         file_name=item.name,
                                                         issuer_rfc=issuer)
                    fr.inserted += outcome == domain.INSERTED
                    fr.unchanged += outcome == domain.UNCHANGED
            else:
                outcome = domain.record_cfdi(session, actor, item.cfdi, file_name=item.name,
                                             xml=item.data, issuer_rfc=issuer)
                fr.inserted += outcome == domain.INSERTED
                fr.unchanged += outcome == domain.UNCHANGED
    except ValidationError as exc:
        fr.inserted = fr.unchanged = 0
        fr.errors.extend(XmlError.of(e, file=item.name) for e in exc.errors)
    except SQLAlchemyError as exc:
        fr.inserted = fr.unchanged = 0
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fr.errors.append(XmlError("", "the database refused the file, nothing of it was "
                                      "written: {first}", None, item.name, params={"first": first}))


def run(items: list[_Item], report: ImportReport, actor: str, url: str | None, *,
        commit: bool, limit: int) -> None:
    """Import (or preview) the CFDI files; their reports are appended to `report`."""
    report.files.extend(i.report for i in items)
    ready = sorted((i for i in items if _read(i, limit)), key=_order)
    batches = [ready[i:i + BATCH_FILES] for i in range(0, len(ready), BATCH_FILES)] \
        if commit else [ready]
    for batch in batches:
        if not batch:
            continue
        try:
            with write_session(url) as session:
                issuer = domain.company_rfc(session)
                for item in batch:
                    _write(session, item, actor, issuer)
                if not commit:
                    raise _Discard
        except _Discard:
            pass
        except SQLAlchemyError as exc:  # BEGIN or COMMIT failed: the batch wrote nothing
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            for item in batch:
                item.report.inserted = item.report.unchanged = 0
                item.report.errors.append(XmlError("", "the database refused the batch, "
                                                       "nothing of it was written: {first}",
                                                   None, item.name, params={"first": first}))
            continue
        for item in batch:
            item.report.committed = commit and item.report.ok
