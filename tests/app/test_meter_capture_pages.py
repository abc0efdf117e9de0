"""The meter-capture pages (docs/meter-readings.md): the billing area reviews held readings
(approve/reject, audited, a rejection needs its reason), an admin edits an import profile
with a preview of a sample file read through it."""

from __future__ import annotations

from sqlalchemy import select

from operational_app.domain import billing, meter_profiles
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import AuditLog, MeterImportProfile, MeterReading

from .app_helpers import goto, login, row_counts

SAMPLE = ("Número de serie;Fecha de auditoría;Páginas monocromo;Páginas color;Modelo\r\n"
          "SN-001;05/03/2025 10:12;2.500;900;MX-5000\r\n"
          "SN-002;05/03/2025 10:15;1.200;0;MX-3000\r\n").encode("cp1252")


def _hold_one() -> None:
    """SN-002's model is recorded as mono: a colour count on it is held."""
    with write_session() as s:
        billing.set_device_model(s, "admin", model="MX-3000", is_color=False)
        r = billing.record_meter_reading(s, "operacion", serial="SN-002", read_on="2025-02-01",
                                         mono_counter=900, color_counter=40)
        assert r.review_status == "held"


def _reading() -> tuple:
    """(review status, decided by, note, withdrawn) of the held reading."""
    with read_session() as s:
        r = s.scalars(select(MeterReading).where(MeterReading.color_counter == 40)).one()
        return r.review_status, r.decided_by, r.review_note, r.deleted_at is not None


def _decide(at, decision: str, note: str) -> None:
    at.radio(key="revision-decision").set_value(decision)
    at.text_input(key="revision-note").input(note)
    at.button(key="revision-submit").click().run()
    assert not at.exception, at.exception


def test_review_lists_held_readings_and_rejects_with_a_reason(app_home):
    _hold_one()
    at = login("operacion")
    goto(at, "revision-de-lecturas")
    assert not at.exception, at.exception
    held = at.dataframe[0].value  # labelled columns: the first is the serial
    assert list(held.iloc[:, 0]) == ["SN-002"] and "color_on_mono" in held.to_string()
    before = row_counts()
    _decide(at, "reject", "")  # a rejection needs its reason: nothing written
    assert at.error and row_counts() == before
    _decide(at, "reject", "El agente reporta color en un equipo monocromático")
    assert _reading() == ("rejected", "operacion",
                          "El agente reporta color en un equipo monocromático", True)
    with read_session() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.action == "reject")).one()


def test_finance_approves_a_held_reading(app_home):
    _hold_one()
    at = login("finance")
    goto(at, "revision-de-lecturas")
    _decide(at, "approve", "Confirmado con el cliente")
    assert _reading() == ("approved", "finance", "Confirmado con el cliente", False)


def test_admin_previews_and_saves_a_profile(app_home):
    at = login("admin")
    goto(at, "perfiles-de-lecturas")
    assert not at.exception, at.exception
    assert at.selectbox(key="perfiles-perfil").value == "fmaudit-es"
    at.file_uploader(key="perfiles-muestra").set_value([("muestra.csv", SAMPLE, "text/csv")])
    at.run()
    at.button(key="perfiles-vista").click().run()
    assert not at.exception, at.exception
    rows = at.dataframe[0].value.to_string()
    assert "SN-001" in rows and "SN-002" in rows and "2500" in rows and "1200" in rows
    area = at.text_area(key="perfiles-yaml-fmaudit-es")
    area.input(area.value.replace("name: fmaudit-es", "name: mi-fmaudit")).run()
    at.button(key="perfiles-guardar").click().run()
    assert not at.exception and not at.error, at.error
    with read_session() as s:
        saved = s.scalars(select(MeterImportProfile)).one()
        assert saved.name == "mi-fmaudit" and saved.created_by == "admin"


def test_a_bad_profile_is_named_and_not_saved(app_home):
    at = login("admin")
    goto(at, "perfiles-de-lecturas")
    area = at.text_area(key="perfiles-yaml-fmaudit-es")
    area.input(area.value.replace('date_format: "%d/%m/%Y"', 'date_format: "%H:%M"')).run()
    before = row_counts()
    at.button(key="perfiles-guardar").click().run()
    assert any("un día, un mes y un año" in e.value for e in at.error)  # in Spanish
    assert row_counts() == before


def test_a_yaml_profile_is_imported_into_the_editor(app_home):
    at = login("admin")
    goto(at, "perfiles-de-lecturas")
    yaml_text = meter_profiles.shipped()["kmnet-counters"].replace(
        "name: kmnet-counters", "name: kmnet-sucursal")
    at.file_uploader(key="perfiles-importar").set_value(
        [("kmnet.yaml", yaml_text.encode("utf-8"), "application/x-yaml")])
    at.run()
    assert any("name: kmnet-sucursal" in a.value for a in at.text_area)
    at.button(key="perfiles-guardar").click().run()
    with read_session() as s:
        assert s.scalars(select(MeterImportProfile.name)).all() == ["kmnet-sucursal"]
