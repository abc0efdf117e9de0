"""Every page in real Chromium, as admin, in Spanish and then in English (the sidebar's
language switch): no page shows a string of the other language (any of the app's own
strings, seiton/webapp/i18n.py and every page's `register`), `None`/`nan`/`null`, or a
snake_case identifier (docs/conventions.md, "Display formats"). The analysts' pages — the
SQL console and the data dictionary — show the marts' names and their (English)
documentation (which speaks of `null`) on purpose, and are left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reliability.conftest import copy_home

from .conftest import App, start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PASSWORD = "seiton-demo-admin"
ANALYSTS_PAGES = {"consola-sql", "diccionario-de-datos"}
RAW = re.compile(r"(?<![\w.-])(None|nan|NaN|NaT|null)(?![\w-])")
SNAKE = re.compile(r"(?<![\w./-])[a-z]+_[a-z_]+(?![\w./-])")
FILE_NAME = re.compile(r"[\w-]+\.(csv|xlsx|zip|xml|pdf)")
OTHER = {"es": "en", "en": "es"}
# the page's text as read: main area and sidebar, without Material icons (their names,
# like `query_stats`, are ligatures the font draws as pictures), without code blocks and
# text areas (a meter-import profile is a file the administrator edits: its keys are the file's)
# and without inline code (what a user must type as it is: a CSV file's headers, on the
# import page's format reference; docs/conventions.md, "Display formats")
TEXT_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stSidebar"]')].map(root => {
  const copy = root.cloneNode(true);
  copy.querySelectorAll('[data-testid="stIconMaterial"], .material-symbols-rounded, '
                        + '[class*="material-symbols"], [data-testid="stCode"], textarea, code')
      .forEach(e => e.remove());
  return copy.textContent;
}).join("\\n")"""


def catalogue() -> dict[str, dict[str, str]]:
    """The app's strings, every page's registered too (importing the pages registers them)."""
    from operational_app.pages import register_entry_pages
    from seiton.webapp.i18n import STRINGS
    from seiton.webapp.registry import PAGES, resolve

    register_entry_pages()
    for spec in PAGES:
        resolve(spec)  # imports the page's module, whose register() adds its strings
    return STRINGS


def foreign_phrases(lang: str) -> list[str]:
    """Phrases of the other language long enough to be unmistakable: the literal parts of
    each string (between its {placeholders}) of 16 characters or more that the string's
    `lang` version does not contain."""
    phrases = set()
    for texts in catalogue().values():
        other, mine = texts.get(OTHER[lang], ""), texts.get(lang, "")
        for part in re.split(r"\{[^}]*\}", other):
            part = part.strip(" .:;,()—-·")
            if len(part) >= 16 and part not in mine:
                phrases.add(part)
    return sorted(phrases)


def problems(text: str, lang: str, phrases: list[str], key: str,
             usernames: list[str]) -> list[str]:
    if key in ANALYSTS_PAGES:  # the marts' names and their English documentation, on purpose
        return []
    found = [f"{OTHER[lang]}: {p!r}" for p in phrases if p in text]
    plain = FILE_NAME.sub("", text)
    for name in sorted(usernames, key=len, reverse=True):  # a login name is data, like any name
        plain = plain.replace(name, "")
    for pattern, what in ((RAW, "raw value"), (SNAKE, "identifier")):
        for match in pattern.finditer(plain):
            start = max(match.start() - 40, 0)
            found.append(f"{what} {match.group(0)!r}: …{plain[start:match.end() + 40]}…")
    return found


@pytest.fixture(scope="module")
def clean_server(tiny_home: Path, tmp_path_factory: pytest.TempPathFactory):
    """The tiny demo as published, served (the markup tests' hostile rows stay in theirs)."""
    root = tmp_path_factory.mktemp("language")
    server = start_server(copy_home(tiny_home, root / "home"), root / "serve.log")
    try:
        yield server
    finally:
        server.stop()


def switch_language(app: App, label: str) -> None:
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').first.click()
    app.page.get_by_role("option", name=label).click()
    app.settle()


def test_every_page_speaks_one_language(clean_server, browser, figures) -> None:
    import sqlite3

    with sqlite3.connect(clean_server.home / "operational.db") as con:
        usernames = [r[0] for r in con.execute("select username from users")]
    app = App(browser, clean_server).login("admin", PASSWORD)
    found: dict[str, list[str]] = {}
    visited = 0
    try:
        keys = app.pages()
        assert len(keys) >= 30, keys
        for lang, label in (("es", None), ("en", "English")):
            if label:
                switch_language(app, label)
            phrases = foreign_phrases(lang)
            assert len(phrases) > 100  # the check has something to look for
            for key in keys:
                app.open(key)
                visited += 1
                text = app.page.evaluate(TEXT_JS)
                if lang == "en":
                    assert "Language" in text or "Idioma" not in text, key
                issues = problems(text, lang, phrases, key, usernames)
                if issues:
                    found[f"{key or 'inicio'} ({lang})"] = issues[:5]
    finally:
        app.close()
    figures(pages_visited=visited, pages_with_problems=len(found), problems=found)
    assert app.dialogs == []
    assert found == {}
