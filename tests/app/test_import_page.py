"""The import page: upload, check (nothing written), confirm; each file all-or-nothing; a
user may only import files of the stages they work in."""

from __future__ import annotations

from operational_app.pages.import_page import allowed_stages

from .app_helpers import goto, login, row_counts

READINGS = (b"serial,read_on,mono_counter,color_counter,source,meter_reset\n"
            b"SN-001,2025-03-01,2500,900,manual,false\n"
            b"SN-001,2025-04-01,3100,1000,agent,false\n")
BAD_READINGS = (b"serial,read_on,mono_counter,color_counter,source,meter_reset\n"
                b"SN-001,2025-03-01,2500,900,manual,false\n"
                b"SN-001,2025-04-01,1200,1000,agent,false\n")
ACCOUNTS = b"account_code,name,tax_id,segment,region,tax_rate\nZETA-9,Zeta,,,,0.16\n"


def _upload(at, files):
    at.file_uploader(key="importar-archivos").set_value(
        [(name, data, "text/csv") for name, data in files])
    at.run()
    assert not at.exception, at.exception


def _frames(at):
    return [df.value for df in at.dataframe]


def test_check_then_import(app_home):
    at = login("finance")
    goto(at, "importacion")
    assert not at.exception, at.exception
    _upload(at, [("meter_readings.csv", READINGS)])
    before = row_counts()
    at.button(key="importar-revisar").click().run()
    assert not at.exception, at.exception
    assert row_counts() == before, "a preview must not write"
    assert not at.error
    assert any("Válido" in frame.to_string() for frame in _frames(at))
    at.button(key="importar-confirmar").click().run()
    assert not at.exception, at.exception
    assert "2 filas nuevas" in at.success[0].value
    after = row_counts()
    assert after["meter_readings"] == before["meter_readings"] + 2


def test_refused_file_shows_line_and_column_and_writes_nothing(app_home):
    at = login("operacion")
    goto(at, "importacion")
    _upload(at, [("meter_readings.csv", BAD_READINGS)])
    before = row_counts()
    at.button(key="importar-revisar").click().run()
    assert at.error, "errors are announced"
    errors = next(f for f in _frames(at) if "Motivo" in f.columns)
    row = errors.iloc[0]
    assert row["Archivo"] == "meter_readings.csv"
    assert row["Línea"] == 3
    assert row["Columna"] == "mono_counter"
    assert at.button(key="importar-confirmar").disabled
    assert row_counts() == before


def test_file_of_a_stage_the_user_does_not_work_in_is_refused(app_home):
    at = login("finance")  # billing only
    goto(at, "importacion")
    _upload(at, [("accounts.csv", ACCOUNTS)])
    shown = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "accounts.csv" in shown and "no puede importar" in shown
    assert at.button(key="importar-revisar").disabled
    # mixed with a file they may import: only that one is checked and imported
    before = row_counts()
    _upload(at, [("accounts.csv", ACCOUNTS), ("meter_readings.csv", READINGS)])
    at.button(key="importar-revisar").click().run()
    at.button(key="importar-confirmar").click().run()
    after = row_counts()
    assert after["accounts"] == before["accounts"]
    assert after["meter_readings"] == before["meter_readings"] + 2


def test_changing_the_upload_after_the_check_asks_for_a_new_check(app_home):
    at = login("admin")
    goto(at, "importacion")
    _upload(at, [("meter_readings.csv", READINGS)])
    at.button(key="importar-revisar").click().run()
    assert not at.button(key="importar-confirmar").disabled
    _upload(at, [("meter_readings.csv", BAD_READINGS)])
    assert at.button(key="importar-confirmar").disabled
    assert at.warning


def test_allowed_stages_follow_the_stage_table():
    assert allowed_stages("finance", None) == {"billing"}
    assert allowed_stages("operator", "comercial") == {"sales", "formalization", "renewal"}
    assert allowed_stages("operator", "operacion") == {"implementation", "operation",
                                                      "billing", "renewal"}
    assert allowed_stages("operator", "finanzas") == {"formalization", "billing"}
    assert allowed_stages("admin", None) == {"sales", "formalization", "implementation",
                                             "operation", "billing", "renewal"}
    assert allowed_stages("director", None) == set()
