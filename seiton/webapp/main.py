"""Entry point of the Streamlit app (`seiton serve`): login, then the pages of the user's role."""

from __future__ import annotations

import streamlit as st

from operational_app.pages import register_entry_pages
from seiton.webapp import auth, layout
from seiton.webapp.i18n import language_switch, t
from seiton.webapp.registry import PAGES, can_open, resolve, running

register_entry_pages()  # the operational app's entry pages join the registry (idempotent)

SECTION_ORDER = [
    "section_dashboards", "section_directors", "section_finance", "section_analysis",
    "sales", "formalization", "implementation", "operation", "billing", "renewal",
    "section_import", "section_admin",
]
STAGE_TITLES = {
    "sales": {"es": "1 · Atracción y venta", "en": "1 · Sales"},
    "formalization": {"es": "2 · Formalización", "en": "2 · Formalization"},
    "implementation": {"es": "3 · Implementación", "en": "3 · Implementation"},
    "operation": {"es": "4 · Operación y soporte", "en": "4 · Operation & support"},
    # short enough for the sidebar's width (the full name is the stage's, on the pages)
    "billing": {"es": "5 · Facturación y cobranza", "en": "5 · Billing & collections"},
    "renewal": {"es": "6 · Renovación", "en": "6 · Renewal"},
}


def _page_runner(spec):
    def run() -> None:
        user = auth.current_user()
        # the role is checked again here, on the server, whatever the navigation showed
        if user is None or not can_open(user.role, user.area, spec):
            st.error(t("not_allowed"))
            st.stop()
        with running(spec):  # the write path checks duties against the page being run
            resolve(spec)()

    run.__name__ = spec.key.replace("-", "_")
    return run


def _login_then(key: str):
    def login() -> None:
        auth.login_form()

    login.__name__ = f"login_{key.replace('-', '_')}"
    return login


def main() -> None:
    st.set_page_config(page_title="Seiton", layout="wide")
    with st.sidebar:
        language_switch()
    user = auth.current_user()
    if user is None:
        # Every page's address answers with the login form, so a shared link (with its
        # query parameters) opens the requested page right after logging in.
        login_pages = [st.Page(auth.login_form, title=t("login"), url_path="login", default=True)]
        login_pages += [st.Page(_login_then(spec.key), title=t("login"), url_path=spec.key)
                        for spec in PAGES]
        st.navigation(login_pages, position="hidden").run()
        return

    lang = st.session_state.get("lang", "es")
    sections: dict[str, list] = {}
    for spec in PAGES:
        if not can_open(user.role, user.area, spec):
            continue
        page = st.Page(_page_runner(spec), title=spec.title.get(lang, spec.title["es"]),
                       url_path=spec.key, icon=spec.icon)
        sections.setdefault(spec.section, []).append(page)
    ordered = {}
    for key in SECTION_ORDER + sorted(set(sections) - set(SECTION_ORDER)):
        if key in sections:
            label = STAGE_TITLES[key].get(lang) if key in STAGE_TITLES else t(key)
            ordered[label] = sections[key]
    # expanded: every page listed, so the sidebar never shows Streamlit's own "View N more"
    # / "View less" button, which it does not translate
    nav = st.navigation(ordered, expanded=True)
    layout.sidebar(user)
    nav.run()


main()
