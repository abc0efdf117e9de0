"""After a successful save a form comes back empty (at its defaults) and a confirmation names
the saved record, in the user's language with dates and numbers as every page writes them;
after a refusal it keeps what was typed so the user can fix it (operational_app/pages/forms.py,
`confirm_saved`; docs/operational-app.md)."""

from __future__ import annotations

from operational_app.domain import billing, fields
from operational_app.store.engine import write_session

from .app_helpers import goto, login, success_text, unescape
from .form_cases import run_case_values, submit, widget
from .test_entry_forms import CASES
from .test_meter_capture_pages import SAMPLE, _decide, _hold_one

TODAY = fields.today()


def _case(case_id: str):
    return next(c for c in CASES if c.id == case_id)


def _values(at, form: str, names) -> dict:
    return {name: widget(at, f"{form}-{name}").value for name in names}


READING_DEFAULTS = {"serial": None, "read_on": TODAY, "mono_counter": "",
                    "color_counter": "0", "source": "manual", "meter_reset": False}


def test_a_saved_reading_clears_the_form_and_names_the_reading(app_home) -> None:
    at = login("operacion")
    run_case_values(at, _case("reading"), _case("reading").good)
    assert unescape(success_text(at)) == (
        "Lectura registrada: **equipo SN-001 · 01/03/2025 · contador mono 2,500 · "
        "contador color 900**")
    assert _values(at, "lectura", READING_DEFAULTS) == READING_DEFAULTS
    # a second "Guardar" now records nothing: the empty form is refused
    submit(at, "lectura")
    assert at.error and not at.success


def test_the_confirmation_is_in_english_on_the_switch(app_home) -> None:
    at = login("operacion")
    at.session_state["lang"] = "en"
    run_case_values(at, _case("reading"), _case("reading").good)
    assert unescape(success_text(at)) == (
        "Reading recorded: **device SN-001 · 2025-03-01 · mono counter 2,500 · "
        "color counter 900**")


def test_a_refused_reading_keeps_every_value(app_home) -> None:
    case = _case("reading")
    at = login("operacion")
    typed = {**case.good, **case.bad}
    run_case_values(at, case, typed)
    assert at.error and not at.success
    assert _values(at, "lectura", typed) == typed


def test_a_saved_device_install_clears_the_form(app_home) -> None:
    case = _case("install")
    at = login("operacion")
    run_case_values(at, case, case.good)
    assert unescape(success_text(at)) == (
        "Equipo instalado: **equipo SN-010 · contrato C-001 · 01/02/2025**")
    assert _values(at, "instalacion", case.good) == {
        "serial": "", "contract_number": None, "installed_on": TODAY,
        "install_mono_counter": "", "install_color_counter": "0", "model": "",
        "is_color": False}


def test_a_saved_invoice_clears_the_form_a_refused_one_keeps_it(app_home) -> None:
    case = _case("invoice")
    at = login("administracion")
    typed = {**case.good, **case.bad}
    run_case_values(at, case, typed)
    assert at.error and _values(at, "factura", typed) == typed
    run_case_values(at, case, case.good)
    assert "F-002" in unescape(success_text(at))
    after = _values(at, "factura", case.good)
    assert after["invoice_number"] == "" and after["contract_number"] is None
    assert after["total"] == ""


def test_a_review_decision_clears_the_decision(app_home) -> None:
    """The review form's own widgets (the reading and the approve/reject choice) are
    cleared too: a second click does not reject the next held reading."""
    _hold_one()
    with write_session() as s:  # a second held reading (colour on the mono device)
        billing.record_meter_reading(s, "operacion", serial="SN-002", read_on="2025-03-01",
                                     mono_counter=1000, color_counter=60)
    at = login("operacion")
    goto(at, "revision-de-lecturas")
    _decide(at, "reject", "Color en un equipo monocromático")
    assert unescape(success_text(at)) == "Lectura rechazada: **equipo SN-002 · 01/02/2025**"
    assert at.radio(key="revision-decision").value == "approve"
    assert at.text_input(key="revision-note").value == ""
    assert at.selectbox(key="revision-lectura").value == "SN-002 · 2025-03-01"
    # the last one: the confirmation shows though no form is left to show it under
    _decide(at, "approve", "Confirmado")
    assert "SN-002 · 01/03/2025" in unescape(success_text(at))


def test_a_saved_profile_comes_back_on_the_stored_profile(app_home) -> None:
    at = login("admin")
    goto(at, "perfiles-de-lecturas")
    at.file_uploader(key="perfiles-muestra").set_value([("muestra.csv", SAMPLE, "text/csv")])
    area = at.text_area(key="perfiles-yaml-fmaudit-es")
    area.input(area.value.replace("name: fmaudit-es", "name: mi-fmaudit")).run()
    at.button(key="perfiles-guardar").click().run()
    assert not at.exception and not at.error, at.error
    assert unescape(success_text(at)) == "Perfil guardado: **mi-fmaudit**"
    assert at.selectbox(key="perfiles-perfil").value == "mi-fmaudit"
