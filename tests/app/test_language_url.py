"""The language switch survives a reload and a shared link: it lives in `?lang=es|en`
(seiton/webapp/i18n.py). A link with lang=en opens in English, switching writes the URL, and
the dashboards' own parameters (dashboards/url_state.py) are left as they are."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from seiton.webapp.i18n import url_lang, write_url_lang

from .app_helpers import MAIN, USERS, goto


def _signed_in(username: str, query: dict[str, str]) -> AppTest:
    from seiton.webapp.auth import CurrentUser

    role, area = USERS[username]
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.session_state["user"] = CurrentUser(username, username.title(), role, area)
    at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def _lang_box(at: AppTest):
    return next(s for s in at.sidebar.selectbox if s.label in ("Idioma", "Language"))


def test_a_link_with_lang_en_opens_the_login_in_english(app_home):
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert _lang_box(at).value == "en"


def test_a_shared_link_opens_the_page_in_its_language_and_switching_writes_it(app_home):
    at = _signed_in("comercial", {"lang": "en"})
    goto(at, "ventas-cuentas")
    assert not at.exception, at.exception
    assert _lang_box(at).label == "Language"
    assert at.query_params["lang"] == "en"
    _lang_box(at).set_value("es").run()
    assert not at.exception, at.exception
    assert _lang_box(at).label == "Idioma"
    assert at.query_params["lang"] == "es"


def test_without_lang_the_app_is_spanish_and_the_url_stays_clean(app_home):
    at = _signed_in("comercial", {})
    assert _lang_box(at).value == "es"
    assert "lang" not in at.query_params
    _lang_box(at).set_value("en").run()
    assert at.query_params["lang"] == "en"


def test_an_unknown_lang_falls_back_to_spanish():
    session: dict = {}
    url_lang({"lang": "fr"}, session)
    assert session["lang"] == "es"
    query = {"lang": "fr", "period": "2026-10"}
    write_url_lang(query, session["lang"])
    assert query == {"lang": "es", "period": "2026-10"}


def test_the_url_is_read_once_and_other_parameters_are_kept():
    session = {"lang": "en"}  # chosen earlier in the session: a later run keeps it
    url_lang({"lang": "es"}, session)
    assert session["lang"] == "en"
    query = {"as_of": "2026-03-01", "bucket": "1-30"}
    write_url_lang(query, "es")
    assert query == {"as_of": "2026-03-01", "bucket": "1-30"}
    write_url_lang(query, "en")
    assert query == {"as_of": "2026-03-01", "bucket": "1-30", "lang": "en"}
