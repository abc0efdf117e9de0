"""The write path keeps duties apart on its own (docs/stages-and-kpis.md, "Duties within a
stage"): whatever the navigation showed, `forms.EntryForm.save` asks `registry.may_record`
about the page being run before it opens a write transaction. Here a form is run inside a
page's context directly — as if the page check had been bypassed — and submitted."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from seiton.webapp.auth import CurrentUser

from .app_helpers import USERS, row_counts


def _form_in_page() -> None:
    import streamlit as st

    import operational_app.pages  # noqa: F401 - registers the entry pages
    from operational_app.domain import billing
    from operational_app.pages.forms import EntryForm
    from seiton.webapp.registry import page_by_key, running

    with running(page_by_key(st.session_state["page_key"])), EntryForm("prueba") as f:
        f.text("notes")
    if f.submitted:
        with running(page_by_key(st.session_state["page_key"])):
            f.save(lambda s, actor: billing.set_fx_rate(s, actor, rate_date="2025-03-03",
                                                        currency="USD", mxn_per_unit="17.05"),
                   "ok")


def _submit(username: str, page_key: str) -> tuple[AppTest, dict[str, int]]:
    role, area = USERS[username]
    at = AppTest.from_function(_form_in_page, default_timeout=60)
    at.session_state["user"] = CurrentUser(username, username.title(), role, area)
    at.session_state["page_key"] = page_key
    at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    before = row_counts()
    at.button(key="prueba-submit").click().run()
    assert not at.exception, at.exception
    return at, before


@pytest.mark.parametrize(("username", "page_key"), [
    ("operacion", "facturacion-facturas"),   # invoices are Administración's and Finanzas'
    ("administracion", "facturacion-pagos"),  # payments are Finanzas'
    ("finanzas", "facturacion-lecturas"),     # readings are Operación's
    ("director", "facturacion-facturas"),     # directors read; they record nothing
])
def test_a_user_outside_the_duty_is_refused_and_nothing_is_written(app_home, username,
                                                                   page_key):
    at, before = _submit(username, page_key)
    assert any("no es responsable" in e.value for e in at.error), [e.value for e in at.error]
    assert row_counts() == before


@pytest.mark.parametrize(("username", "page_key"), [
    ("administracion", "facturacion-facturas"),
    ("finanzas", "facturacion-facturas"),
    ("finance", "facturacion-facturas"),
])
def test_the_responsible_area_writes(app_home, username, page_key):
    at, before = _submit(username, page_key)
    assert not at.error, [e.value for e in at.error]
    assert row_counts()["fx_rates"] == before["fx_rates"] + 1
