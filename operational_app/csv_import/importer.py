"""`seiton import DIR`: CSV files → the domain layer, each file all-or-nothing (the CFDI
XML files and the SAT's metadata file of the folder go to operational_app/cfdi/importer.py).

- Files of a folder are imported in dependency order (formats.IMPORT_ORDER); a file name
  that is not a known format is an error.
- One write transaction per file. Every row is written through the domain layer inside its
  own SAVEPOINT, so a refused row leaves nothing behind and the next rows are still checked:
  the report lists the errors of all rows. If any row was refused, the whole file is rolled
  back at the end.
- Re-importing a file changes nothing: a row whose key exists with the same values is
  `unchanged`; with different values it is an error (formats.py).
- `preview_*` run exactly the same checks and writes, then always roll back: the app's
  import page shows their per-row result before the user commits.

Nothing here writes a row itself: the domain functions validate, write and audit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from operational_app.csv_import import reader
from operational_app.csv_import.formats import (
    FORMATS,
    IMPORT_ORDER,
    REVIEW_READINGS,
    SKIP,
    FileFormat,
    Step,
    _equal,
    format_for,
)
from operational_app.csv_import.report import (
    INSERTED,
    REFUSED,
    UNCHANGED,
    UPDATED,
    CsvError,
    FileReport,
    ImportReport,
    RowResult,
)
from operational_app.domain.errors import FieldError, ValidationError
from operational_app.domain.fields import Refusal, check_actor
from operational_app.domain.messages import Msg, msg
from operational_app.store.engine import get_engine, write_session

MB = 1024 * 1024
DEFAULT_MAX_MB = 50
MAX_ERRORS_PER_FILE = 1000  # a file of a million bad rows should not exhaust memory

Source = str | os.PathLike[str] | bytes


def max_file_bytes() -> int:
    """Largest file accepted: SEITON_IMPORT_MAX_MB (default 50) megabytes."""
    raw = os.environ.get("SEITON_IMPORT_MAX_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * MB)


# --------------------------------------------------------------------------- public API


def import_dir(
    path: str | os.PathLike[str], actor: str = "import", url: str | None = None, *,
    max_bytes: int | None = None, review_readings: bool = False,
) -> ImportReport:
    """Import every CSV file of a folder, in dependency order; each file all-or-nothing.
    Meter readings count as reviewed history unless `review_readings` (docs/csv-import.md)."""
    items, errors = _list_dir(Path(path))
    token = REVIEW_READINGS.set(review_readings)
    try:
        return _run(items, actor, url, commit=True, max_bytes=max_bytes, general=errors)
    finally:
        REVIEW_READINGS.reset(token)


def import_file(
    source: Source, actor: str = "import", url: str | None = None, *,
    filename: str | None = None, max_bytes: int | None = None,
) -> ImportReport:
    """Import one file (a path, or the bytes of an upload with its `filename`)."""
    return import_files([(_name_of(source, filename), source)], actor, url, max_bytes=max_bytes)


def import_files(
    items: Iterable[tuple[str, Source]], actor: str = "import", url: str | None = None, *,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import several files given as (file name, path or bytes), in dependency order."""
    return _run(list(items), actor, url, commit=True, max_bytes=max_bytes)


def preview_dir(
    path: str | os.PathLike[str], url: str | None = None, *, actor: str = "import",
    max_bytes: int | None = None,
) -> ImportReport:
    """What `import_dir` would do, row by row; nothing is written."""
    items, errors = _list_dir(Path(path))
    return _run(items, actor, url, commit=False, max_bytes=max_bytes, general=errors)


def preview_file(
    source: Source, filename: str | None = None, url: str | None = None, *,
    actor: str = "import", max_bytes: int | None = None,
) -> ImportReport:
    """Validate one file inside a transaction that is always rolled back; the report holds
    every row's status (`report.files[0].rows`) and every error."""
    return preview_files([(_name_of(source, filename), source)], url, actor=actor,
                         max_bytes=max_bytes)


def preview_files(
    items: Iterable[tuple[str, Source]], url: str | None = None, *, actor: str = "import",
    max_bytes: int | None = None,
) -> ImportReport:
    """Preview several files together (later files see the rows of earlier ones, as in a
    real import); nothing is written."""
    return _run(list(items), actor, url, commit=False, max_bytes=max_bytes)


# --------------------------------------------------------------------------- orchestration


@dataclass
class _Item:
    name: str
    source: Source
    fmt: FileFormat | None
    report: FileReport


class _Discard(Exception):
    """Raised inside a transaction to roll it back on purpose."""


class _Refused(Exception):
    def __init__(self, errors: list[CsvError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _name_of(source: Source, filename: str | None) -> str:
    if filename:
        return Path(filename).name
    if isinstance(source, bytes):
        raise ValueError("bytes need a filename (e.g. 'accounts.csv')")
    return Path(source).name


def _list_dir(path: Path) -> tuple[list[tuple[str, Source]], list[CsvError]]:
    if not path.is_dir():
        return [], [CsvError("", "'{path}' is not a folder", None, str(path), params={"path": path})]
    items: list[tuple[str, Source]] = [
        (p.name, p) for p in sorted(path.iterdir())
        if p.is_file() and not p.name.startswith(".")
    ]
    if not items:
        return [], [CsvError("", "the folder holds no CSV files and no CFDI (expected names: "
                                 "{names}, or *.xml)", None, str(path), params={
                                                                                "names": ', '.join(IMPORT_ORDER)})]
    return items, []


def _run(
    items: list[tuple[str, Source]], actor: str, url: str | None, *, commit: bool,
    max_bytes: int | None, general: list[CsvError] | None = None,
) -> ImportReport:
    report = ImportReport(preview=not commit, general_errors=list(general or []))
    try:
        actor = check_actor(actor)
    except ValidationError as exc:
        report.general_errors.append(CsvError("", "the importing user: {reason}", params={
                                                                                          "reason": exc.errors[0].message}))
        return report
    # *.xml CFDI and the SAT's metadata file go to the CFDI import, after the CSV files
    from operational_app.cfdi import importer as cfdi_import

    items, cfdi_items = cfdi_import.split(items)
    plan = _plan(items, report)
    if not plan and not cfdi_items:
        return report
    if not _schema_ready(url):
        report.general_errors.append(CsvError(
            "", "the operational DB has no schema yet: run `seiton init` first"))
        return report
    limit = max_bytes if max_bytes is not None else max_file_bytes()
    if commit:
        for item in plan:
            _import_one(item, actor, url, limit)
    elif plan:
        _preview_all(plan, actor, url, limit)
    _note_dependencies(plan)
    if cfdi_items:
        cfdi_import.run(cfdi_items, report, actor, url, commit=commit, limit=limit)
    return report


def _plan(items: list[tuple[str, Source]], report: ImportReport) -> list[_Item]:
    """Known files in dependency order; unknown and repeated names are errors."""
    planned: dict[str, _Item] = {}
    for name, source in items:
        fmt = format_for(name)
        fr = FileReport(file=name, format=fmt.filename if fmt else None)
        if fmt is None:
            fr.errors.append(CsvError("", "unknown file name: not an import format (expected "
                                          "one of {names})", None, name, params={
                                                                                 "names": ', '.join(IMPORT_ORDER)}))
            report.files.append(fr)
        elif fmt.filename in planned:
            fr.errors.append(CsvError("", "a second file for the {filename} format (after {name})", None, name, params={
                                                                                                                        "filename": fmt.filename,
                                                                                                                        "name": planned[fmt.filename].name}))
            report.files.append(fr)
        else:
            planned[fmt.filename] = _Item(name, source, fmt, fr)
    ordered = [planned[f] for f in IMPORT_ORDER if f in planned]
    unknown = report.files
    report.files = [i.report for i in ordered] + unknown
    return ordered


def _schema_ready(url: str | None) -> bool:
    try:
        return inspect(get_engine(url, write=False)).has_table("audit_log")
    except SQLAlchemyError:
        return False


@contextmanager
def _transaction(url: str | None) -> Iterator[Session]:
    """A write transaction the body may end with `_Discard` (rolled back, not an error)."""
    try:
        with write_session(url) as session:
            yield session
    except _Discard:
        pass


def _read(item: _Item, limit: int) -> reader.ParsedFile | None:
    """The file's bytes, refused before reading when over the size limit."""
    fr, fmt = item.report, item.fmt
    assert fmt is not None
    source = item.source
    try:
        size = len(source) if isinstance(source, bytes) else os.stat(source).st_size
    except OSError as exc:
        fr.errors.append(CsvError("", "cannot be read: {strerror}", None, item.name, params={
                                                                                             "strerror": exc.strerror}))
        return None
    if size > limit:
        fr.errors.append(CsvError(
            "", "is too large: {size:,} bytes, the limit is {limit:,} bytes ({value:g} MB; "
                "SEITON_IMPORT_MAX_MB changes it); split the file",
            None, item.name, params={"size": size, "limit": limit, "value": limit / MB}))
        return None
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        fr.errors.append(CsvError("", "cannot be read: {strerror}", None, item.name, params={
                                                                                             "strerror": exc.strerror}))
        return None
    parsed = reader.parse(data, item.name, fmt.names, fmt.required)
    fr.errors.extend(parsed.errors)
    return None if parsed.errors else parsed


def _import_one(item: _Item, actor: str, url: str | None, limit: int) -> None:
    parsed = _read(item, limit)
    if parsed is None:
        return
    fr = item.report
    try:
        with _transaction(url) as session:
            _run_file(session, item, parsed, actor, keep_rows=False)
            if not fr.ok:
                raise _Discard
    except SQLAlchemyError as exc:  # BEGIN or COMMIT failed: nothing of the file is written
        fr.errors.append(_database_error(item.name, exc))
        return
    fr.committed = fr.ok


def _preview_all(plan: list[_Item], actor: str, url: str | None, limit: int) -> None:
    """One transaction for all files (a file's savepoint is dropped when it is refused, as an
    import would not commit it), rolled back at the end."""
    parsed = [(item, _read(item, limit)) for item in plan]
    if all(p is None for _, p in parsed):
        return
    try:
        _preview_in(parsed, actor, url)
    except SQLAlchemyError as exc:
        for item, p in parsed:
            if p is not None:
                item.report.errors.append(_database_error(item.name, exc))


def _preview_in(parsed: list[tuple[_Item, reader.ParsedFile | None]], actor: str,
                url: str | None) -> None:
    with _transaction(url) as session:
        for item, p in parsed:
            if p is None:
                continue
            savepoint = session.begin_nested()
            _run_file(session, item, p, actor, keep_rows=True)
            if item.report.ok:
                savepoint.commit()
            else:
                savepoint.rollback()
        raise _Discard


def _database_error(name: str, exc: SQLAlchemyError) -> CsvError:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return CsvError("", "the database refused the file, nothing of it was written: {first}",
                    None, name, params={"first": first})


def _note_dependencies(plan: list[_Item]) -> None:
    refused = {i.fmt.filename: i.name for i in plan if i.fmt and not i.report.ok}
    for item in plan:
        if item.report.ok or item.fmt is None:
            continue
        if not any((e.line or 0) > 1 for e in item.report.errors):
            continue  # refused as a whole file (size, encoding, header): not a consequence
        causes = sorted(refused[d] for d in _depends_on(item.fmt) if d in refused)
        if causes:
            item.report.note = (f"{', '.join(causes)} refused too: rows referring to it fail "
                                "as well")


def _depends_on(fmt: FileFormat) -> set[str]:
    by_model = {f.model: f.filename for f in FORMATS.values()}
    deps = {by_model[c.ref.model] for c in fmt.columns if c.ref is not None}
    if fmt.filename == "price_tiers.csv":
        deps |= {"price_plans.csv", "contracts.csv"}
    return deps


# --------------------------------------------------------------------------- rows


def _run_file(
    session: Session, item: _Item, parsed: reader.ParsedFile, actor: str, *, keep_rows: bool
) -> None:
    fmt, fr = item.fmt, item.report
    assert fmt is not None
    results = [RowResult(line, REFUSED, errors=[err]) for line, err in parsed.row_errors]
    records = parsed.records
    if fmt.sort is not None:
        records = sorted(records, key=lambda r: fmt.sort(r.values))
    seen: dict[tuple[Any, ...], int] = {}
    for record in records:
        results.append(_run_row(session, fmt, item.name, record, actor, seen))
    for result in sorted(results, key=lambda r: r.line):
        fr.add_row(result, keep=keep_rows)
        for err in result.errors:
            if len(fr.errors) < MAX_ERRORS_PER_FILE:
                fr.errors.append(err)
            else:
                fr.errors_not_listed += 1
    if fr.errors_not_listed:
        fr.errors.append(CsvError("", "… and {errors_not_listed} more error(s) not listed",
                                  None, item.name,
                                  params={"errors_not_listed": fr.errors_not_listed}))


def _blank(raw: str | None) -> bool:
    return raw is None or raw.strip() == ""


def _run_row(
    session: Session, fmt: FileFormat, name: str, record: reader.Record, actor: str,
    seen: dict[tuple[Any, ...], int],
) -> RowResult:
    values, line = record.values, record.line
    row = _Row(session, fmt, name, line, values, actor)
    errors = row.orphan_extras()
    if errors:
        return RowResult(line, REFUSED, row.key_text, errors)
    key = row.parse_key()
    if key is not None:
        ident = tuple(key[k] for k in fmt.key)
        if ident in seen:
            return RowResult(line, REFUSED, row.key_text, [row.error(
                fmt.key[0], "duplicate row: line {seen} has the same {key_fields} ({key_text})",
                seen=seen[ident], key_fields=tuple(fmt.key), key_text=row.key_text)])
        seen[ident] = line
    try:
        with session.begin_nested():
            existing = fmt.find_existing(session, key) if key is not None else None
            status = row.create() if existing is None else row.reconcile(existing)
    except _Refused as exc:
        return RowResult(line, REFUSED, row.key_text, exc.errors)
    except SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        return RowResult(line, REFUSED, row.key_text,
                         [row.error(fmt.key[0], "the database refused the row: {first}",
                                    first=first)])
    except Exception as exc:  # noqa: BLE001 - one row's surprise must not hide the others
        return RowResult(line, REFUSED, row.key_text, [row.error(
            fmt.key[0], "unexpected error ({name}: {exc}); please report it",
            name=type(exc).__name__, exc=exc)])
    return RowResult(line, status, row.key_text)


class _Row:
    """One data row being written: its raw cells and the domain calls they become."""

    def __init__(self, session: Session, fmt: FileFormat, name: str, line: int,
                 values: dict[str, str], actor: str):
        self.session, self.fmt, self.name, self.line = session, fmt, name, line
        self.values, self.actor = values, actor

    # -- helpers

    def error(self, column: str, template: str, /, **params: Any) -> CsvError:
        return CsvError(column, template, self.line, self.name, params)

    def error_of(self, column: str, problem: FieldError | ValueError) -> CsvError:
        """A domain or parser problem at this row's `column`, its message kept."""
        if isinstance(problem, FieldError):
            return CsvError.of(problem, field=column, line=self.line, file=self.name)
        if isinstance(problem, Refusal):
            return self.error(column, problem.template, **problem.params)
        return CsvError(column, None, self.line, self.name, reason=str(problem))

    def raw(self, column: str) -> str | None:
        value = self.values.get(column)
        return None if _blank(value) else value

    @property
    def key_text(self) -> str:
        parts = [(k, self._key_cell(k)) for k in self.fmt.key]
        if len(parts) == 1:
            return parts[0][1]
        return ", ".join(f"{k} {v}" for k, v in parts)

    def _key_cell(self, name: str) -> str:
        raw = (self.values.get(name) or "").strip()
        default = self.fmt.column(name).empty
        if raw == "" and default is not None and default is not SKIP:
            return _show(default).strip("'")
        return raw

    @property
    def what(self) -> Msg:
        """"account 'ACME'", the record named in the language (its kind through TERMS)."""
        stem = self.fmt.filename.removesuffix(".csv").replace("_", " ")
        stem = stem[:-3] + "y" if stem.endswith("ies") else stem.removesuffix("s")
        return msg("{what} '{key}'", what=stem, key=self.key_text) if len(self.fmt.key) == 1 \
            else msg("{what} ({key})", what=stem, key=self.key_text)

    def refused(self, exc: ValidationError, mapping: dict[str, str]) -> _Refused:
        """Domain errors, their fields named as the file's columns."""
        return _Refused([
            self.error_of(mapping.get(e.field) or self.fmt.field_map.get(e.field) or e.field, e)
            for e in exc.errors
        ])

    # -- checks before any call

    def orphan_extras(self) -> list[CsvError]:
        """A column recorded only with another (first_time_fix with resolved_at)."""
        out = []
        for step in self.fmt.steps:
            if self.raw(step.trigger) is None:
                out += [self.error(x, "is only recorded together with {trigger_field}",
                                   trigger_field=step.trigger)
                        for x in step.extra if self.raw(x) is not None]
        return out

    def parse_key(self) -> dict[str, Any] | None:
        """The row's key as stored, or None when a key cell is missing or invalid (the
        domain call then reports it)."""
        key = {}
        for name in self.fmt.key:
            col = self.fmt.column(name)
            raw = self.raw(name)
            if raw is None:
                if col.empty is None or col.empty is SKIP:
                    return None
                key[name] = col.empty
                continue
            try:
                key[name] = col.parse(raw)
            except ValueError:
                return None
        return key

    # -- writes (all through the domain layer)

    def create(self) -> str:
        kwargs: dict[str, Any] = {}
        for col in self.fmt.columns:
            if col.kwarg is None:
                continue
            raw = self.raw(col.name)
            if raw is not None:
                kwargs[col.kwarg] = self.values[col.name]
            elif col.required:
                kwargs[col.kwarg] = None  # the domain says "is required"
        try:
            self.fmt.create(self.session, self.actor, kwargs)
        except ValidationError as exc:
            raise self.refused(exc, {c.kwarg: c.name for c in self.fmt.columns
                                     if c.kwarg and c.kwarg != c.name}) from None
        for step in self.fmt.steps:
            if step.on_create and self.raw(step.trigger) is not None:
                self.apply(step)
        return INSERTED

    def apply(self, step: Step) -> None:
        kwargs: dict[str, Any] = {}
        for kw, column in step.args.items():
            raw = self.raw(column)
            if raw is not None:
                kwargs[kw] = self.values[column]
            elif kw in step.defaults:
                kwargs[kw] = step.defaults[kw]
        try:
            step.call(self.session, self.actor, **kwargs)
        except ValidationError as exc:
            own = {step.trigger, *step.extra}
            errors = []
            for e in exc.errors:
                column = step.args.get(e.field, e.field)
                errors.append(self.error_of(column if column in own else step.trigger, e))
            raise _Refused(errors) from None

    def reconcile(self, existing: Any) -> str:
        """The key exists: same values → unchanged; lifecycle columns may move it forward;
        anything else different → refused."""
        fmt, session = self.fmt, self.session
        withdrawn = getattr(existing, "deleted_at", None)
        if withdrawn is not None:
            raise _Refused([self.error(fmt.key[0], "{record} was withdrawn on "
                                                   "{withdrawn:%Y-%m-%d}: it cannot be "
                                                   "imported again", record=self.what,
                                       withdrawn=withdrawn)])
        step_of = {c: s for s in fmt.steps for c in (s.trigger, *s.extra)}
        errors = []
        for col in fmt.columns:
            if col.name in fmt.key or not col.stored:
                continue
            raw = self.raw(col.name)
            step = step_of.get(col.name)
            if raw is None:
                if step is not None or col.empty is SKIP:
                    continue
                wanted = col.empty
            else:
                try:
                    wanted = col.parse(raw)
                except ValueError as exc:
                    errors.append(self.error_of(col.name, exc))
                    continue
            if step is not None:
                if step.when == "differs":
                    continue
                trigger = fmt.column(step.trigger).stored_value(session, existing)
                if trigger is None:
                    continue  # not recorded yet: the step records it
            same, stored = col.same(session, existing, wanted)
            if not same:
                errors.append(self.error(
                    col.name, "{record} already exists with different values: {name_field} is {raw} "
                              "in the file, {stored} in the database", record=self.what,
                    name_field=col.name, raw=_show(raw), stored=_show(stored)))
        if errors:
            raise _Refused(errors)
        applied = False
        for step in fmt.steps:
            raw = self.raw(step.trigger)
            if raw is None:
                continue
            col = fmt.column(step.trigger)
            stored = col.stored_value(session, existing)
            if step.when == "differs":
                if _equal(col.kind, col.parse(raw), stored):
                    continue
            elif stored is not None:
                continue
            self.apply(step)
            applied = True
        return UPDATED if applied else UNCHANGED


def _show(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value).strip()
    return repr(text if len(text) <= 60 else text[:57] + "...")
