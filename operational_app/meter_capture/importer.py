"""`seiton import-meters FILE --profile NAME`: an agent's export, read through a profile,
recorded by the domain's batch path (meter_batch) in one transaction — all or nothing for
the rows of known devices; unknown serials skipped and listed when the profile says so.
`preview` runs the same reading and checks and writes nothing (the app's pages).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from operational_app.csv_import.importer import MB, max_file_bytes
from operational_app.domain import meter_batch, meter_profiles
from operational_app.domain.errors import ValidationError
from operational_app.domain.fields import check_actor
from operational_app.domain.messages import Msg, msg, render
from operational_app.meter_capture.reader import MAX_ERRORS, CellError, read_export
from operational_app.store.engine import read_session, write_session

_CELL = {"serial": 0, "read_on": 1, "mono_counter": 2, "color_counter": 3}


@dataclass
class MeterImport:
    file: str
    profile: str = ""
    rows_read: int = 0
    inserted: int = 0
    held: int = 0
    unchanged: int = 0
    unknown_serials: dict[str, list[int]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    errors_not_listed: int = 0
    written: bool = False
    preview: bool = False
    seconds: float = 0.0
    statuses: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, lang: str | None = None) -> str:
        """One line for the CLI and the import page, in `lang` (None or "en": English);
        counts grouped by comma in both (docs/conventions.md, "Display formats")."""
        skipped = sum(len(v) for v in self.unknown_serials.values())
        template = ("{file} ({profile}): would import {inserted} reading(s), {held} of them "
                    "held for review; {unchanged} unchanged; {skipped} row(s) of {serials} "
                    "unknown serial(s) skipped" if self.preview or self.errors else
                    "{file} ({profile}): imported {inserted} reading(s), {held} of them held "
                    "for review; {unchanged} unchanged; {skipped} row(s) of {serials} unknown "
                    "serial(s) skipped")
        text = render(template, {
            "file": self.file, "profile": self.profile, "inserted": f"{self.inserted:,}",
            "held": f"{self.held:,}", "unchanged": f"{self.unchanged:,}",
            "skipped": f"{skipped:,}", "serials": f"{len(self.unknown_serials):,}"}, lang)
        if self.errors:
            text += render("; {n} error(s), nothing written",
                           {"n": f"{len(self.errors) + self.errors_not_listed:,}"}, lang)
        return text


class _Discard(Exception):
    """Ends the transaction of a preview or a refused file: nothing is written."""


def _general(report: MeterImport, reason: Msg) -> MeterImport:
    report.errors.append(CellError(0, "", "", reason))
    return report


def import_meters(source: str | os.PathLike[str] | bytes, profile: str, *,
                  actor: str = "import", url: str | None = None, filename: str | None = None,
                  commit: bool = True, max_bytes: int | None = None) -> MeterImport:
    started = time.perf_counter()
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    report = MeterImport(file=name, preview=not commit)
    try:
        actor = check_actor(actor)
        with read_session(url) as session:
            prof = meter_profiles.load(session, profile)
    except ValidationError as exc:
        if len(exc.errors) == 1 and exc.errors[0].field in ("profile", "actor"):
            return _general(report, exc.errors[0].message)
        return _general(report, Msg(None, text="; ".join(
            e.reason if e.field in ("profile", "actor") else f"{e.field}: {e.reason}"
            for e in exc.errors)))
    report.profile = prof.name
    limit = max_bytes if max_bytes is not None else max_file_bytes()
    try:
        size = len(source) if isinstance(source, bytes) else os.stat(source).st_size
        if size > limit:
            return _general(report, msg("is too large: {size:,} bytes, the limit is {limit:,} "
                                        "({mb:g} MB; SEITON_IMPORT_MAX_MB changes it)",
                                        size=size, limit=limit, mb=limit / MB))
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        return _general(report, msg("cannot be read: {strerror}", strerror=exc.strerror))
    export = read_export(data, prof)
    report.rows_read = len(export.rows)
    report.errors += export.errors
    report.errors_not_listed += export.errors_not_listed
    if export.errors and not export.rows:
        report.seconds = time.perf_counter() - started
        return report
    outcome: list[meter_batch.BatchResult] = []
    try:
        with write_session(url) as session:
            outcome.append(meter_batch.record_meter_readings(
                session, actor, export.rows, unknown_serials=prof.unknown_serials,
                commit=commit and not export.errors))
            if not outcome[0].written:
                raise _Discard  # checked only: roll back (locks and all)
    except _Discard:
        pass
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return _general(report, msg("the database refused the file, nothing was written: "
                                    "{first}", first=first))
    result = outcome[0]
    heads = prof.columns
    mono_head = heads.get("mono_counter") or heads["total_counter"]
    for e in result.errors:
        column = mono_head if e.field == "mono_counter" else heads.get(e.field, "")
        cells = export.cells.get(e.line)
        value = cells[_CELL[e.field]].strip() if cells and e.field in _CELL else ""
        if len(report.errors) < MAX_ERRORS:
            report.errors.append(CellError(e.line, column, value, e.message))
        else:
            report.errors_not_listed += 1
    report.errors.sort(key=lambda e: (e.line, e.column))
    report.inserted, report.held = result.inserted, result.held
    report.unchanged = result.unchanged
    report.unknown_serials = result.unknown_serials
    report.statuses = result.statuses
    report.written = result.written and not report.errors
    report.seconds = time.perf_counter() - started
    return report


def preview(source: bytes, profile: str, **kw) -> MeterImport:
    return import_meters(source, profile, commit=False, **kw)
