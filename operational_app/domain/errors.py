"""The one error type a rejected write raises.

A problem carries its English template and params (docs/conventions.md "Messages"):
`reason` is the English text as it always read (tests, logs, CLI output in English), and
`text(lang)` renders it in the user's language, fields named by their form labels.
"""

from __future__ import annotations

from typing import Any

from operational_app.domain import messages


class FieldError:
    """One refused field: `field`, the English `reason`, where it came from (`line`, `file`)
    and the `template` + `params` it was rendered from (None for a plain text reason)."""

    def __init__(self, field: str, template: str | None = None, line: int | None = None,
                 file: str | None = None, params: dict[str, Any] | None = None, *,
                 reason: str | None = None):
        self.field = field
        self.template = template
        self.params = dict(params or {})
        self.line = line  # CSV line (1 = header), when the write came from a file
        self.file = file
        if reason is None:
            reason = messages.render(template, self.params) if template is not None else ""
        self.reason = reason

    @classmethod
    def of(cls, other: FieldError, *, field: str | None = None, line: int | None = None,
           file: str | None = None) -> FieldError:
        """`other` moved to another field, line or file, keeping its message."""
        made = cls.__new__(cls)
        FieldError.__init__(made, other.field if field is None else field, other.template,
                            other.line if line is None else line,
                            other.file if file is None else file, other.params,
                            reason=other.reason)
        return made

    @property
    def message(self) -> messages.Msg:
        """The reason as a message another message can quote (it renders in the language)."""
        if self.template is None:
            return messages.Msg(None, {}, text=self.reason)
        return messages.Msg(self.template, self.params)

    def text(self, lang: str) -> str:
        """The reason in `lang` ("es"/"en"), fields named by their labels."""
        if self.template is None:
            return self.reason
        return messages.render(self.template, self.params, lang)

    def describe(self, lang: str) -> str:
        """Where and what, in `lang`: "archivo.csv, línea 3, columna 'Cuenta': …"."""
        return messages.where(lang, self.file, self.line, self.field) + self.text(lang)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}"
            if self.line is not None:
                where += f", line {self.line}"
            where += ", "
        return f"{where}column/field '{self.field}': {self.reason}"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(field={self.field!r}, reason={self.reason!r}, "
                f"line={self.line!r}, file={self.file!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldError):
            return NotImplemented
        return (self.field, self.reason, self.line, self.file) == \
            (other.field, other.reason, other.line, other.file)

    __hash__ = None  # type: ignore[assignment]


class ValidationError(Exception):
    """A write was refused; nothing was written. Carries every problem found, by field."""

    def __init__(self, field_name: str | None = None, template: str | None = None, *,
                 errors: list[FieldError] | None = None, **params: Any):
        self.errors = list(errors or [])
        if field_name is not None:
            self.errors.append(FieldError(field_name, template or "invalid value",
                                          params=params))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors) or "invalid input"

    def text(self, lang: str) -> str:
        """Every problem in `lang`, each with its field's label."""
        return "; ".join(e.describe(lang) for e in self.errors) or messages.render(
            "invalid input", {}, lang)

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]
