"""What an import (or a preview) did, file by file and row by row.

One shape for the CLI (`summary_lines()`, `errors`) and the app's import page (`files`,
`rows`, `as_dict()`). Every problem is a `CsvError`: a `FieldError` naming the file, the
line (header = line 1, first data row = line 2) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from operational_app.domain import messages
from operational_app.domain.errors import FieldError
from operational_app.domain.labels import field_label

INSERTED = "inserted"
UPDATED = "updated"
UNCHANGED = "unchanged"
REFUSED = "error"


class CsvError(FieldError):
    """A FieldError from a CSV file. `field` is the column ('' when the problem is the whole
    file, e.g. its size or encoding)."""

    def __str__(self) -> str:
        where = [self.file or "(import)"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"column '{self.field}'")
        return f"{', '.join(where)}: {self.reason}"

    @property
    def column(self) -> str:
        return self.field

    def describe(self, lang: str) -> str:
        """The problem in `lang` with where it is: "accounts.csv, línea 3, columna 'Cuenta': …"
        (the column named by its form label)."""
        return messages.where(lang, self.file or messages.render("(import)", {}, lang),
                              self.line, self.field) + self.text(lang)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The problem as a record; with `lang`, the column's label and the reason in it."""
        if lang is None:
            return {"file": self.file, "line": self.line, "column": self.field or None,
                    "reason": self.reason}
        return {"file": self.file, "line": self.line,
                "column": field_label(self.field, lang) if self.field else None,
                "reason": self.text(lang)}


@dataclass
class RowResult:
    """One data row: its status and, when refused, why."""

    line: int
    status: str
    key: str = ""
    errors: list[CsvError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "status": self.status, "key": self.key,
                "errors": [e.as_dict() for e in self.errors]}


@dataclass
class FileReport:
    """One file: imported whole or refused whole (nothing of it written)."""

    file: str
    format: str | None = None  # the format's file name; None when the name is unknown
    committed: bool = False
    errors: list[CsvError] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)  # kept for previews
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    refused_rows: int = 0
    errors_not_listed: int = 0  # past the per-file cap (see importer.MAX_ERRORS_PER_FILE)
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.refused_rows

    @property
    def status(self) -> str:
        if not self.ok:
            return "refused"
        if self.committed:
            return "imported"
        return "valid"  # previewed: would be imported

    def add_row(self, result: RowResult, *, keep: bool) -> None:
        if result.status == INSERTED:
            self.inserted += 1
        elif result.status == UPDATED:
            self.updated += 1
        elif result.status == UNCHANGED:
            self.unchanged += 1
        else:
            self.refused_rows += 1
        if keep:
            self.rows.append(result)

    def summary(self, lang: str | None = None) -> str:
        """One line for the CLI, in `lang` (None or "en": English)."""
        def say(template: str, **params: Any) -> str:
            return messages.render(template, params, lang)

        counts = say("{inserted} inserted, {updated} updated, {unchanged} unchanged",
                     inserted=self.inserted, updated=self.updated, unchanged=self.unchanged)
        if self.ok:
            text = (say("{file}: imported — {counts}", file=self.file, counts=counts)
                    if self.committed else
                    say("{file}: valid (preview, nothing written) — {counts}", file=self.file,
                        counts=counts))
        else:
            n = len(self.errors) + self.errors_not_listed
            rows = (say(" in {refused} of {rows} rows", refused=self.refused_rows,
                        rows=self.row_count) if self.refused_rows else "")
            text = say("{file}: refused — {n} error(s){rows}; nothing written for this file",
                       file=self.file, n=n, rows=rows)
        return f"{text} ({self.note})" if self.note else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "format": self.format, "status": self.status,
            "committed": self.committed, "inserted": self.inserted, "updated": self.updated,
            "unchanged": self.unchanged, "refused_rows": self.refused_rows,
            "errors": [e.as_dict() for e in self.errors],
            "errors_not_listed": self.errors_not_listed, "note": self.note,
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass
class ImportReport:
    """The whole run. `ok` only when every file was accepted."""

    files: list[FileReport] = field(default_factory=list)
    general_errors: list[CsvError] = field(default_factory=list)  # not about one file
    preview: bool = False

    @property
    def errors(self) -> list[CsvError]:
        out = list(self.general_errors)
        for f in self.files:
            out.extend(f.errors)
        return out

    @property
    def ok(self) -> bool:
        return not self.general_errors and all(f.ok for f in self.files)

    @property
    def committed(self) -> bool:
        return any(f.committed for f in self.files)

    @property
    def inserted(self) -> int:
        """Rows of the accepted files (a refused file writes nothing)."""
        return sum(f.inserted for f in self.files if f.ok)

    @property
    def updated(self) -> int:
        """Rows of the accepted files (a refused file writes nothing)."""
        return sum(f.updated for f in self.files if f.ok)

    @property
    def unchanged(self) -> int:
        """Rows of the accepted files (a refused file writes nothing)."""
        return sum(f.unchanged for f in self.files if f.ok)

    def file(self, name: str) -> FileReport:
        for f in self.files:
            if f.file == name:
                return f
        raise KeyError(name)

    def summary_lines(self, lang: str | None = None) -> list[str]:
        """A line per file and the total, in `lang` (None or "en": English)."""
        def say(template: str, **params: Any) -> str:
            return messages.render(template, params, lang)

        lines = [f.summary(lang) for f in self.files]
        refused = sum(1 for f in self.files if not f.ok)
        total = say("{files} file(s): {inserted} rows inserted, {updated} updated, "
                    "{unchanged} unchanged", files=len(self.files), inserted=self.inserted,
                    updated=self.updated, unchanged=self.unchanged)
        if refused:
            total += say("; {refused} file(s) refused", refused=refused)
        if self.general_errors:
            total += say("; {n} error(s) before any file was read", n=len(self.general_errors))
        if self.preview:
            total += say(" (preview: nothing written)")
        lines.append(total)
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "preview": self.preview,
                "general_errors": [e.as_dict() for e in self.general_errors],
                "files": [f.as_dict() for f in self.files]}
