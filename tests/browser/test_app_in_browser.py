"""The app in a real browser (docs/quality-targets.md, Security: no user text is rendered as
HTML; reliability: an entry reaches the dashboards after a refresh).

XSS: the domain layer refuses markup in every text field (first line of defence, checked
here on a few). Rows can still hold markup that came around it — an older system, a manual
SQL fix — so the payloads are written into the stored text columns directly, the warehouse
is refreshed, and an admin visits every page: no dialog may fire, no injected element may
exist, and the payload must show as literal text where the data is shown (the sidebar, the
entry pages' tables, the SQL console over the published warehouse).

Entry to dashboard: an operator (operacion) records a meter reading through the page's form;
the admin's "refresh now" runs the refresh; the SQL console finds the reading in
marts.fct_device_usage.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from operational_app.domain import fields
from tests.browser.conftest import App, start_server
from tests.reliability import data
from tests.reliability.conftest import copy_home, seiton, sqlite_url

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAYLOAD = "<img src=x onerror=alert(1)>"
VARIANTS = [PAYLOAD, "<script>alert(2)</script>", "<svg/onload=alert(3)>",
            "[clic](javascript:alert(4))", "<iframe src=javascript:alert(5)>"]
PASSWORDS = {u: f"seiton-demo-{u}" for u in ("admin", "operacion")}
# (table, text column): free-text columns shown by pages or carried into the marts
HOSTILE_COLUMNS = [
    ("accounts", "name"), ("users", "display_name"), ("tickets", "description"),
    ("devices", "site"), ("devices", "model"), ("opportunities", "owner"),
    ("formalization_steps", "notes"), ("implementation_milestones", "notes"),
    ("collection_actions", "notes"), ("contract_reviews", "notes"),
    ("proposal_lines", "description"), ("consumable_requests", "item"),
]
PROBE_SQL = ("select 'found:' || serial || ':' || closing_read_on || ':' || "
             "actual_closing_mono_counter as probe from marts.fct_device_usage "
             "where serial = '{}' and closing_read_on = date '{}'")
# elements the payloads would create if rendered as HTML (the app's own scripts excluded)
INJECTED_JS = """() => document.querySelectorAll(
    'img[src="x"], svg[onload], iframe[src^="javascript"], a[href^="javascript"]').length
  + [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length
"""


def write_hostile_rows(home: Path) -> dict[tuple[str, str], str]:
    """One row per column gets a payload (the admin's own name gets PAYLOAD itself)."""
    written = {}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    con = sqlite3.connect(home / "operational.db")
    try:
        for k, (table, column) in enumerate(HOSTILE_COLUMNS):
            value = f"{column} {VARIANTS[k % len(VARIANTS)]}"
            if (table, column) == ("users", "display_name"):
                value = f"Admin {PAYLOAD}"
                where = "username = 'admin'"
            elif (table, column) == ("accounts", "name"):
                value = f"Cuenta {PAYLOAD}"
                where = "id = (select min(id) from accounts)"
            else:
                where = f"id = (select min(id) from {table})"  # noqa: S608 - names above
            # bump the cursor as every write must, or the incremental load never sees it
            n = con.execute(f"update {table} set {column} = ?, updated_at = ? where {where}",  # noqa: S608
                            [value, now]).rowcount
            if n:
                written[(table, column)] = value
        con.commit()
    finally:
        con.close()
    return written


@pytest.fixture(scope="module")
def served(tiny_home: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("browser")
    home = copy_home(tiny_home, root / "home")
    written = write_hostile_rows(home)  # published by the first refresh of the tests
    server = start_server(home, root / "serve.log")
    try:
        yield server, written
    finally:
        server.stop()


def test_the_domain_refuses_markup_in_text_fields(tiny_home: Path, tmp_path: Path) -> None:
    from operational_app.domain import operation, sales
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import dispose_engines, write_session

    home = copy_home(tiny_home, tmp_path / "home")
    url = sqlite_url(home)
    contract, opened = data.active_contract(url)
    for payload in VARIANTS[:3] + [VARIANTS[4]]:
        with pytest.raises(ValidationError) as caught, write_session(url) as s:
            sales.create_account(s, "t", account_code="XSS-1", name=payload, tax_rate="0.16")
        assert caught.value.fields == ["name"]
        with pytest.raises(ValidationError) as caught, write_session(url) as s:
            operation.open_ticket(s, "t", ticket_number="XSS-T", contract_number=contract,
                                  ticket_type="request", opened_at=opened, description=payload)
        assert caught.value.fields == ["description"]
    dispose_engines()


def test_an_operator_reading_reaches_the_warehouse(served, browser, figures) -> None:
    server, _ = served
    url = sqlite_url(server.home)
    serial = data.readable_devices(url)[0]
    last = data.latest_reading(url, serial)
    # moved by the device's usual usage, so the reading counts at once (not held for review)
    steps = data.usual_steps(url, serial, (fields.today() - last.read_on).days)
    mono, color = last.mono + steps[0], last.color + steps[1]

    operator = App(browser, server).login("operacion", PASSWORDS["operacion"])
    try:
        operator.open("facturacion-lecturas")
        form = operator.page.locator('[data-testid="stForm"]').first
        picker = form.get_by_label("Número de serie")
        picker.click()
        picker.fill(serial)
        operator.page.keyboard.press("Enter")
        form.get_by_label("Contador mono").fill(str(mono))
        form.get_by_label("Contador color").fill(str(color))
        form.get_by_role("button", name="Guardar").click()
        operator.settle()
        saved = operator.main_text()
    finally:
        operator.close()
    # the confirmation names the record: device, date, counters (operational_app/pages/forms.py)
    assert f"Lectura registrada: equipo {serial} · " in saved, saved[:2000]
    assert f"contador mono {mono:,}" in saved, saved[:2000]
    after = data.latest_reading(url, serial)
    assert (after.mono, after.color) == (mono, color)

    admin = App(browser, server).login("admin", PASSWORDS["admin"])
    try:
        admin.page.get_by_role("button", name="Actualizar ahora").click()
        outcome = admin.page.get_by_text("Almacén actualizado.").or_(
            admin.page.get_by_text("La actualización falló"))
        outcome.first.wait_for(timeout=900_000)  # the refresh runs inside the app's request
        assert "Almacén actualizado." in admin.page.locator(
            '[data-testid="stSidebar"]').inner_text()
        admin.settle()
        text = admin.console(PROBE_SQL.format(serial, after.read_on),
                             expect=f"found:{serial}:{after.read_on}:{mono}")
    finally:
        admin.close()
    assert f"found:{serial}:{after.read_on}:{mono}" in text, text[-2000:]
    assert admin.dialogs == [] and operator.dialogs == []
    figures(serial=serial, read_on=str(after.read_on), mono=mono)


def test_no_stored_markup_runs_on_any_page(served, browser, figures) -> None:
    server, written = served
    assert len(written) >= 10, written
    if not _published_has_payload(server.home):  # the operator test's refresh did not run
        seiton(server.home, "refresh", "--quiet")
    app = App(browser, server).login("admin", PASSWORDS["admin"])
    try:
        keys = app.pages()
        assert len(keys) >= 20, keys
        # every page listed: no untranslated "View N more" button of Streamlit's own
        assert app.page.locator('[data-testid="stSidebarNavViewButton"]').count() == 0
        injected, literal_on = {}, []
        for key in keys:
            app.open(key)
            if key == "ventas-cuentas":  # the hostile account is in the table, drawn late
                app.wait_for_text(PAYLOAD)
            injected[key] = app.page.evaluate(INJECTED_JS)
            if PAYLOAD in app.main_text():
                literal_on.append(key)
            sidebar = app.page.locator('[data-testid="stSidebar"]').inner_text()
            assert f"Admin {PAYLOAD}" in sidebar, key  # the signed-in user's own name
        # the SQL console over the published warehouse: the account's name, as data
        console_text = app.console("select account_code, account_name from marts.dim_account "
                                   "where account_name like '%onerror%'",
                                   expect=f"Cuenta {PAYLOAD}")
        injected["consola-sql (result)"] = app.page.evaluate(INJECTED_JS)
    finally:
        app.close()
    figures(pages_visited=len(keys), dialogs=len(app.dialogs),
            injected_elements=sum(injected.values()), payload_literal_on=literal_on,
            hostile_columns=len(written))
    assert app.dialogs == []
    assert {k: n for k, n in injected.items() if n} == {}
    assert f"Cuenta {PAYLOAD}" in console_text
    assert "ventas-cuentas" in literal_on


def _published_has_payload(home: Path) -> bool:
    import duckdb

    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from marts.dim_account where account_name = ?",
                           [f"Cuenta {PAYLOAD}"]).fetchone()[0] == 1
