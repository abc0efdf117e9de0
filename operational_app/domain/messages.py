"""The messages users see, in their language (docs/conventions.md "Messages").

Code writes every message as an English template with named params
(`v.fail("mono_counter", "{value} is lower than …", value=600000, …)`); this module owns the
Spanish text of each template, keyed by the English template, and renders either.

- `render(template, params)` (no language) is the English text exactly as it always read,
  params as they are: the `reason` tests, logs and the English CLI show.
- `render(template, params, lang)` is the text for a user in `lang` ("es"/"en"): a param named
  `field` or ending in `_field` holds a domain field name and shows as that field's form label
  (operational_app/domain/labels.py); a param named `what` or ending in `_what` is a noun
  phrase of the code ("the install date", "device") shown through `TERMS`; a `Msg` param is a
  message quoted inside another and renders in the same language.
"""

from __future__ import annotations

import string
from typing import Any

from operational_app.domain.labels import field_label

LANGS = ("es", "en")
FIELD_PARAMS = frozenset({"field"})
TERM_PARAMS = frozenset({"what"})


class Msg:
    """A message quoted as a param of another (or a plain text when `template` is None)."""

    def __init__(self, template: str | None, params: dict[str, Any] | None = None, *,
                 text: str = ""):
        self.template = template
        self.params = dict(params or {})
        self._text = text

    def render(self, lang: str | None = None) -> str:
        if self.template is None:
            return self._text
        return render(self.template, self.params, lang)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Msg({self.template!r}, {self.params!r})"


def msg(template: str, **params: Any) -> Msg:
    return Msg(template, params)


def is_field_param(name: str) -> bool:
    return name in FIELD_PARAMS or name.endswith("_field")


def is_term_param(name: str) -> bool:
    return name in TERM_PARAMS or name.endswith("_what")


def template_params(template: str) -> set[str]:
    """The param names a template uses (`{value}`, `{value!r}`, `{period:%Y-%m}` → value…)."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(template: str, lang: str | None) -> str:
    """The template's text in `lang`: Spanish from `SPANISH`; English is the template itself,
    or its `ENGLISH` wording where the template's own words suit only the code's names."""
    if lang == "es":
        return SPANISH.get(template, template)
    if lang == "en":
        return ENGLISH.get(template, template)
    return template


def _shown(name: str, value: Any, lang: str | None) -> Any:
    if isinstance(value, Msg):
        return value.render(lang)
    if lang is None:
        return value
    if is_field_param(name) and isinstance(value, str):
        return field_label(value, lang)
    if is_term_param(name) and isinstance(value, str):
        return TERMS.get(value, value) if lang == "es" else value
    return value


def render(template: str, params: dict[str, Any] | None = None, lang: str | None = None) -> str:
    """`template` with `params`, in `lang` (None: the English text with raw params)."""
    params = params or {}
    text = translate(template, lang)
    shown = {name: _shown(name, value, lang) for name, value in params.items()}
    return text.format(**shown) if params or "{" in text else text


def where(lang: str, file: str | None, line: int | None, field: str | None) -> str:
    """The header of a located problem: "accounts.csv, línea 3, columna 'Cuenta': "."""
    parts = []
    if file:
        parts.append(file)
    if line is not None:
        parts.append(render("line {line}", {"line": line}, lang))
    if field:
        key = "column '{field}'" if file else "field '{field}'"
        parts.append(render(key, {"field": field}, lang))
    return ", ".join(parts) + ": " if parts else ""


# English for users where the template's words fit only the raw names (`reason` keeps them).
ENGLISH: dict[str, str] = {
    "{value} is lower than device {serial}'s previous {meter} counter ({low}, {where}); if the "
    "meter was replaced, record the new meter's first reading with {reset_field}=true":
        "{value} is lower than device {serial}'s previous {meter} counter ({low}, {where}); if "
        "the meter was replaced, record the new meter's first reading with "
        "“{reset_field}” checked",
}

# Noun phrases the code passes as `what` (Checker.known/unique/not_before/after).
TERMS: dict[str, str] = {
}

# The Spanish text of every English template. Keys are the templates exactly as the code
# writes them; tests/domain/test_messages.py checks every template has its entry.
SPANISH: dict[str, str] = {
    "line {line}": "línea {line}",
    "column '{field}'": "columna '{field}'",
    "field '{field}'": "campo '{field}'",
    "invalid input": "datos no válidos",
    "invalid value": "valor no válido",
}
