"""The one error type a rejected write raises."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    reason: str
    line: int | None = None  # CSV line (1 = header), when the write came from a file
    file: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}"
            if self.line is not None:
                where += f", line {self.line}"
            where += ", "
        return f"{where}column/field '{self.field}': {self.reason}"


@dataclass
class ValidationError(Exception):
    """A write was refused; nothing was written. Carries every problem found, by field."""

    errors: list[FieldError] = field(default_factory=list)

    def __init__(self, field_name: str | None = None, reason: str | None = None, *,
                 errors: list[FieldError] | None = None):
        self.errors = list(errors or [])
        if field_name is not None:
            self.errors.append(FieldError(field_name, reason or "invalid value"))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors) or "invalid input"

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]
