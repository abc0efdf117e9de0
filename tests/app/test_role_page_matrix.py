"""The role × page matrix (docs/quality-targets.md, "Security"): for every role and every registered
page, `can_open` matches the spec, the navigation lists exactly the pages the role may open,
and forcing any other page by its url path does not run it ("Page not found": the app falls
back to its default page). Within a stage duties stay apart (docs/stages-and-kpis.md, "Duties
within a stage"): an operator sees only the entry pages of the transaction types its area
is responsible for, and the write path refuses anyone else (`may_record`)."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import operational_app.pages  # noqa: F401 - registers the entry pages, as main.py does
from operational_app.pages import ENTRY_PAGES
from seiton.webapp.registry import PAGES, PageSpec, can_open, may_record

from .app_helpers import AREAS, MAIN, PASSWORD, USERS, goto, login, nav_paths

# docs/stages-and-kpis.md, the stage table's "responsible areas" (Dirección is not an operator area).
STAGE_AREAS = {
    "sales": {"comercial"},
    "formalization": {"comercial", "administracion", "finanzas"},
    "implementation": {"operacion"},
    "operation": {"operacion"},
    "billing": {"operacion", "administracion", "finanzas"},
    "renewal": {"comercial", "operacion"},
}
# Within stage 5, each transaction type's own responsible areas (the other stages' types are
# their stage's areas).
BILLING_TYPE_AREAS = {
    "meter_readings": {"operacion"},
    "invoices": {"administracion", "finanzas"},
    "credit_notes": {"administracion", "finanzas"},
    "payments": {"finanzas"},
    "payment_applications": {"finanzas"},
    "payment_reversals": {"finanzas"},
    "collection_actions": {"finanzas"},
}
IMPORT_KEY = "importacion"
REVIEW_KEY = "revision-de-lecturas"  # docs/meter-readings.md: Operación's readings, and finance
ALL_KEYS = [p.key for p in PAGES] + ["login"]
ROLES = [("operator", a) for a in AREAS] + [("finance", None), ("director", None),
                                            ("analyst", None), ("admin", None)]


def page_areas(page: PageSpec) -> set[str]:
    """The operator areas responsible for every transaction type the page records."""
    areas = set(STAGE_AREAS[page.stage]) if page.stage else set()
    for tt in page.transaction_types:
        areas &= BILLING_TYPE_AREAS.get(tt, STAGE_AREAS[page.stage])
    return areas


def expected(role: str, area: str | None, page: PageSpec) -> bool:
    """docs/contract.md, "Roles", read literally, with the duties within a stage (plus the import
    page's documented rule)."""
    if role == "admin":
        return True
    if page.kind == "admin":
        return False
    if page.kind == "entry":
        if page.key == IMPORT_KEY:  # docs/operational-app.md: files are checked per stage
            return role in {"operator", "finance"}
        if page.key == REVIEW_KEY:  # the billing area's review of held meter readings
            return (role == "operator" and area == "operacion") or role == "finance"
        if role == "operator":
            return area in page_areas(page)
        return role == "finance" and page.stage == "billing" and "finanzas" in page_areas(page)
    if page.kind == "dashboard":
        return role in {"director", "analyst"} or role in page.roles
    if page.kind == "finance":
        return role in {"finance", "director"} or role in page.roles
    if page.kind == "directors":  # KPI targets: directors (and admin)
        return role == "director"
    if page.kind == "analysis":
        return role == "analyst" or role in page.roles
    return False


def test_every_stage_has_entry_pages_in_its_section():
    stages = {p.stage for p in ENTRY_PAGES if p.stage}
    assert stages == set(STAGE_AREAS)
    for page in ENTRY_PAGES:
        assert page.kind == "entry"
        if page.stage:
            assert page.section == page.stage and not page.roles
    assert all(p in PAGES for p in ENTRY_PAGES)
    assert len({p.key for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize(("role", "area"), ROLES, ids=[f"{r}-{a or ''}" for r, a in ROLES])
def test_can_open_matches_the_spec(role: str, area: str | None):
    wrong = [p.key for p in PAGES if can_open(role, area, p) != expected(role, area, p)]
    assert not wrong, wrong


def test_examples_from_the_stage_table():
    page = {p.key: p for p in PAGES}
    assert not can_open("operator", "finanzas", page["ventas-cuentas"])
    assert not can_open("operator", "finanzas", page["ventas-oportunidades"])
    assert not can_open("operator", "administracion", page["operacion-tickets"])
    assert can_open("operator", "comercial", page["renovacion-contratos"])
    assert not can_open("operator", "comercial", page["facturacion-lecturas"])
    assert can_open("finance", None, page["facturacion-cobranza"])
    assert not can_open("finance", None, page["formalizacion-contratos"])
    assert not can_open("director", None, page["facturacion-facturas"])
    assert not can_open("analyst", None, page[IMPORT_KEY])
    assert can_open("director", None, page["metas-de-kpi"])
    assert not can_open("finance", None, page["metas-de-kpi"])


def test_duties_within_the_billing_stage():
    page = {p.key: p for p in PAGES}
    # readings: Operación only
    assert can_open("operator", "operacion", page["facturacion-lecturas"])
    assert not can_open("operator", "administracion", page["facturacion-lecturas"])
    assert not can_open("operator", "finanzas", page["facturacion-lecturas"])
    assert not can_open("finance", None, page["facturacion-lecturas"])
    # invoices and credit notes: Administración y Finanzas
    assert not can_open("operator", "operacion", page["facturacion-facturas"])
    assert can_open("operator", "administracion", page["facturacion-facturas"])
    assert can_open("operator", "finanzas", page["facturacion-facturas"])
    # payments, applications, reversals and collection actions: Finanzas
    for key in ("facturacion-pagos", "facturacion-cobranza"):
        assert not can_open("operator", "operacion", page[key])
        assert not can_open("operator", "administracion", page[key])
        assert can_open("operator", "finanzas", page[key])
        assert can_open("finance", None, page[key])


def test_every_page_of_a_stage_declares_known_transaction_types_of_its_stage():
    from operational_app.domain.reference import transaction_type_stages

    stages = transaction_type_stages()
    for page in PAGES:
        if page.kind == "entry" and page.stage:
            assert page.transaction_types, page.key
        for tt in page.transaction_types:
            assert tt in stages, (page.key, tt)
            if page.stage:
                assert stages[tt] == page.stage, (page.key, tt)


@pytest.mark.parametrize(("role", "area"), ROLES, ids=[f"{r}-{a or ''}" for r, a in ROLES])
def test_the_write_path_refuses_whoever_the_duties_do_not_name(role: str, area: str | None):
    """`may_record` (forms' write path): never more than `can_open`; on pages that record
    transactions, only the responsible areas, roles the page names, and admin."""
    assert not may_record(role, area, None)  # a write outside the page runner
    for page in PAGES:
        allowed = may_record(role, area, page)
        if allowed:
            assert can_open(role, area, page), page.key
        if page.transaction_types and role in {"director", "analyst"}:
            assert not allowed, page.key
        if page.kind == "entry" and page.key not in (IMPORT_KEY, REVIEW_KEY):
            assert allowed == expected(role, area, page), page.key


def test_menu_labels_are_unique_for_every_role_in_both_languages():
    for role, area in ROLES:
        for lang in ("es", "en"):
            labels = [p.title[lang] for p in PAGES if can_open(role, area, p)]
            repeated = {x for x in labels if labels.count(x) > 1}
            assert not repeated, (role, area, lang, repeated)


@pytest.mark.parametrize("username", list(USERS))
def test_rendered_app_lists_and_runs_only_allowed_pages(app_home, username: str):
    role, area = USERS[username]
    at = login(username)
    listed = nav_paths(at, ALL_KEYS)
    allowed = {p.key for p in PAGES if expected(role, area, p)}
    assert listed == allowed
    for page in ENTRY_PAGES:
        if page.key in allowed:
            continue
        goto(at, page.key)  # the user types /<url path>
        assert not at.exception, at.exception
        assert at._finished_page_script_hash != calc_hash(page.key), page.key  # noqa: SLF001
        assert not [w for w in at.button if (w.key or "").endswith("-submit")], page.key


@pytest.mark.parametrize("key", [p.key for p in ENTRY_PAGES])
def test_allowed_users_run_each_entry_page(app_home, key: str):
    page = next(p for p in ENTRY_PAGES if p.key == key)
    username = next(u for u, (r, a) in USERS.items() if r != "admin" and expected(r, a, page))
    at = login(username)
    goto(at, key)
    assert not at.exception, at.exception
    assert at._finished_page_script_hash == calc_hash(key)  # noqa: SLF001
    assert not at.error


def only_the_login_form(at: AppTest) -> bool:
    """Signed out, every address shows the login form and nothing of any page."""
    labels = [w.label for w in at.text_input]
    return (labels == ["Usuario", "Contraseña"]
            and [b.label for b in at.button] == ["Iniciar sesión"]
            and not at.dataframe and not at.metric)


def test_login_form_then_only_the_role_pages(app_home):
    at = AppTest.from_file(str(MAIN), default_timeout=60).run()
    assert not at.exception, at.exception
    assert only_the_login_form(at)
    goto(at, "facturacion-lecturas")  # not signed in: the page's address answers with login
    assert only_the_login_form(at)
    at.text_input[0].input("finanzas")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["user"].username == "finanzas"
    role, area = USERS["finanzas"]
    assert nav_paths(at, ALL_KEYS) == {p.key for p in PAGES if expected(role, area, p)}


def test_expired_session_sees_the_login_page(app_home):
    at = login("admin")
    at.session_state["last_seen"] = time.time() - 10 * 3600
    at.run()
    assert "user" not in at.session_state
    assert only_the_login_form(at)


def test_a_shared_link_opens_its_page_right_after_login(app_home):
    at = AppTest.from_file(str(MAIN), default_timeout=60).run()
    goto(at, "facturacion-pagos")  # a Finanzas page
    assert only_the_login_form(at)
    at.text_input[0].input("finanzas")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    # the requested page ran, not the default one: its entry form is on screen
    assert [w for w in at.button if (w.key or "").endswith("-submit")]
