"""The import page's file-format reference comes in the reader's language
(operational_app/csv_import/format_docs.py): every text of formats.py has its Spanish, and
each file's reference, in Spanish and in English, shows no internals — column names and
fixed values only as code (docs/conventions.md, "Display formats")."""

from __future__ import annotations

import pytest

from operational_app.csv_import import format_docs
from operational_app.csv_import.formats import FORMATS, IMPORT_ORDER, KINDS
from tests.app.test_readable_pages import FILE_NAME, RAW, SNAKE


def _texts() -> set[str]:
    found = set(KINDS.values())
    for fmt in FORMATS.values():
        found |= {fmt.summary, fmt.key_note} | {c.doc for c in fmt.columns}
    return found - {""}


def test_every_text_of_the_formats_has_its_spanish_and_none_is_stale() -> None:
    texts = _texts()
    assert sorted(texts - set(format_docs.SPANISH)) == []
    assert sorted(set(format_docs.SPANISH) - texts) == []


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", IMPORT_ORDER)
def test_each_reference_shows_identifiers_only_as_code(name: str, lang: str) -> None:
    shown = FILE_NAME.sub("", format_docs.reference(FORMATS[name], lang))
    assert not SNAKE.search(shown), SNAKE.search(shown)
    assert not RAW.search(shown), RAW.search(shown)
    for column in FORMATS[name].columns:  # the headers the user writes, as they are
        assert f"| `{column.name}` |" in format_docs.reference(FORMATS[name], lang)


@pytest.mark.parametrize("name", IMPORT_ORDER)
def test_the_spanish_reference_is_spanish(name: str) -> None:
    es = format_docs.reference(FORMATS[name], "es")
    assert "| Columna | Obligatoria | Tipo | Descripción |" in es
    for english in (" the ", "default", " when ", "business key", "yes |"):
        assert english not in es, english


def test_a_choice_lists_its_values_and_a_pipe_does_not_split_a_cell() -> None:
    es = format_docs.reference(FORMATS["meter_readings.csv"], "es")
    assert "| `source` | no | uno de `agent`, `manual` | `agent` (predeterminado) o " \
           "`manual` |" in es
    overview = format_docs.cell(format_docs.text(
        FORMATS["opportunity_stage_changes.csv"].summary, "es"))
    assert "`won` \\| `lost`" in overview
