"""The SAT's metadata export (docs/cfdi.md, "Cancellations"): a `~`-separated text file
whose first line is the header below — recognised by that header, whatever its name.
Each row is checked for shape here (UUID, RFCs, dates, amount, status); what a row means is
domain/cfdi.py's business. Errors name the file, the line and the column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from operational_app.cfdi.reader import UUID_RE
from operational_app.csv_import.report import CsvError
from operational_app.domain.cfdi import MetadataRow

COLUMNS = ("Uuid", "RfcEmisor", "NombreEmisor", "RfcReceptor", "NombreReceptor", "RfcPac",
           "FechaEmision", "FechaCertificacionSat", "Monto", "EfectoComprobante", "Estatus",
           "FechaCancelacion")
HEADER = "~".join(COLUMNS)
EFFECTS = ("I", "E", "P", "T", "N")


def _first_line(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace").strip()


def is_metadata(data: bytes) -> bool:
    return _first_line(data) == HEADER


def _moment(raw: str) -> datetime:
    return datetime.fromisoformat(raw.strip().replace(" ", "T", 1)).replace(tzinfo=None)


def parse(data: bytes, name: str) -> tuple[list[MetadataRow], list[CsvError]]:
    rows: list[MetadataRow] = []
    errors: list[CsvError] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [CsvError("", "is not valid UTF-8 (byte offset {start})", None, name, params={
                                                                                                 "start": exc.start})]
    for number, raw in enumerate(text.splitlines(), start=1):
        if number == 1 or not raw.strip():
            continue
        cells = raw.split("~")
        if len(cells) != len(COLUMNS):
            errors.append(CsvError("", "the row has {length} fields separated by '~', the "
                                       "header {columns}", number, name, params={
                                                                                 "length": len(cells),
                                                                                 "columns": len(COLUMNS)}))
            continue
        cell = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))

        def bad(column: str, template: str, line: int = number, /, **params: Any) -> None:
            errors.append(CsvError(column, template, line, name, params))

        if not UUID_RE.match(cell["Uuid"]):
            bad("Uuid", "{cell!r} is not a UUID", cell=cell['Uuid'][:40])
            continue
        moments = {}
        for column in ("FechaEmision", "FechaCertificacionSat", "FechaCancelacion"):
            if cell[column]:
                try:
                    moments[column] = _moment(cell[column])
                except ValueError:
                    bad(column, "must be a date and time YYYY-MM-DD hh:mm:ss, not {cell!r}",
                        cell=cell[column][:40])
        try:
            amount = Decimal(cell["Monto"])
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            bad("Monto", "must be a decimal amount, not {cell!r}", cell=cell['Monto'][:40])
            continue
        if cell["Estatus"] not in ("0", "1"):
            bad("Estatus", "must be 0 (cancelled) or 1 (in force), not {cell!r}",
                cell=cell['Estatus'])
            continue
        if cell["EfectoComprobante"] not in EFFECTS:
            bad("EfectoComprobante", "must be one of {options}", options=', '.join(EFFECTS))
            continue
        if "FechaEmision" not in moments:
            bad("FechaEmision", "is required")
            continue
        if cell["Estatus"] == "0" and "FechaCancelacion" not in moments:
            bad("FechaCancelacion", "is required when Estatus is 0 (cancelled)")
            continue
        rows.append(MetadataRow(
            line=number, uuid=cell["Uuid"].upper(), issuer_rfc=cell["RfcEmisor"].upper(),
            receiver_rfc=cell["RfcReceptor"].upper(), pac_rfc=cell["RfcPac"] or None,
            issued_at=moments["FechaEmision"], certified_at=moments.get("FechaCertificacionSat"),
            amount=amount.quantize(Decimal("0.01")), effect=cell["EfectoComprobante"],
            status=cell["Estatus"], cancelled_at=moments.get("FechaCancelacion")))
    return rows, errors
