"""Every operational page reads as a person would write it, in Spanish and in English: no `None`,
`nan` or `NaT`, and no snake_case identifier (a column, option or field name) in any visible
text — titles, captions, messages, widget labels and options, table headers and cells
(docs/conventions.md, "Display formats"). Each page is opened as admin (who may open every
page) on the seed business of app_helpers, through the real app with AppTest."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from operational_app.pages import register_entry_pages
from seiton.webapp.registry import PAGES

from .app_helpers import goto, login

RAW = re.compile(r"(?<![\w.-])(None|nan|NaN|NaT|null)(?![\w-])")
SNAKE = re.compile(r"(?<![\w./-])[a-z]+_[a-z_]+(?![\w./-])")
# what may look like an identifier and is not one to a reader: a CSV file name (the import
# page names its files by table: meter_readings.csv) and, written as code (`activated_on`),
# the headers such a file must carry — what the user types into the file
FILE_NAME = re.compile(r"[\w-]+\.csv|`[^`]+`")


def visible_texts(at) -> list[tuple[str, str]]:
    """(where, text) for everything the page shows."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "text"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for m in at.metric:
        out += [("metric", str(m.label)), ("metric", str(m.value))]
    for kind in ("text_input", "text_area", "number_input", "date_input", "checkbox",
                 "toggle", "button", "form_submit_button", "time_input"):
        out += [(kind, str(w.label)) for w in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            out.append((kind, str(w.label)))
            out += [(f"{kind} option", str(o)) for o in w.options]
    for t in at.tabs:
        out.append(("tab", str(t.label)))
    for frame in at.dataframe:
        value = frame.value
        if not isinstance(value, pd.DataFrame):
            continue
        out += [("column", str(c)) for c in value.columns]
        for row in value.astype(object).itertuples(index=False):
            out += [("cell", "None" if v is None else str(v)) for v in row]
    return out


def problems(at) -> list[str]:
    found = []
    for where, text in visible_texts(at):
        plain = FILE_NAME.sub("", text)
        for pattern, what in ((RAW, "raw value"), (SNAKE, "identifier")):
            match = pattern.search(plain)
            if match:
                found.append(f"{what} {match.group(0)!r} in {where}: {text[:120]!r}")
    return found


register_entry_pages()  # as main.py does
# every page where operators, finance and administrators record and review (the warehouse's
# dashboards and the analysts' pages are held to it by the browser walk)
OPERATIONAL_PAGES = [spec.key for spec in PAGES
                     if spec.kind in ("entry", "finance", "admin", "directors")]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("key", OPERATIONAL_PAGES)
def test_the_entry_page_shows_no_internals(app_home, key: str, lang: str) -> None:
    at = login("admin")
    at.session_state["lang"] = lang
    goto(at, key)
    assert not at.exception, at.exception
    assert at.title, "the page did not open"
    assert problems(at) == []
