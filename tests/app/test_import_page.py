"""The import page: upload, check (nothing written), confirm; each file all-or-nothing; a
user may only import files of the records their area is responsible for (duties within a
stage: readings are Operación's, invoices Administración's and Finanzas', payments
Finanzas')."""

from __future__ import annotations

from operational_app.pages.import_page import allowed_files

from .app_helpers import goto, login, row_counts

READINGS = (b"serial,read_on,mono_counter,color_counter,source,meter_reset\n"
            b"SN-001,2025-03-01,2500,900,manual,false\n"
            b"SN-001,2025-04-01,3100,1000,agent,false\n")
BAD_READINGS = (b"serial,read_on,mono_counter,color_counter,source,meter_reset\n"
                b"SN-001,2025-03-01,2500,900,manual,false\n"
                b"SN-001,2025-04-01,1200,1000,agent,false\n")
ACCOUNTS = b"account_code,name,tax_id,segment,region,tax_rate\nZETA-9,Zeta,,,,0.16\n"
FX_RATES = b"rate_date,currency,mxn_per_unit\n2025-03-03,USD,17.05\n2025-03-04,USD,17.10\n"


def _upload(at, files):
    at.file_uploader(key="importar-archivos").set_value(
        [(name, data, "text/csv") for name, data in files])
    at.run()
    assert not at.exception, at.exception


def _frames(at):
    return [df.value for df in at.dataframe]


def test_check_then_import(app_home):
    at = login("operacion")
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
    assert row["Columna"] == "Contador mono"  # the column by its form label, in Spanish
    assert "mono_counter" not in row["Motivo"] and "menor que" in row["Motivo"], row["Motivo"]
    assert at.button(key="importar-confirmar").disabled
    assert row_counts() == before


def test_file_of_records_the_user_is_not_responsible_for_is_refused(app_home):
    at = login("finance")  # Finanzas' billing records: not accounts, not meter readings
    goto(at, "importacion")
    for name, data in (("accounts.csv", ACCOUNTS), ("meter_readings.csv", READINGS)):
        _upload(at, [(name, data)])
        shown = "\n".join(e.value for e in at.error).replace("\\", "")
        assert name in shown and "no puede importar" in shown
        assert at.button(key="importar-revisar").disabled
    # mixed with a file they may import: only that one is checked and imported
    before = row_counts()
    _upload(at, [("accounts.csv", ACCOUNTS), ("meter_readings.csv", READINGS),
                 ("fx_rates.csv", FX_RATES)])
    at.button(key="importar-revisar").click().run()
    at.button(key="importar-confirmar").click().run()
    after = row_counts()
    assert after["accounts"] == before["accounts"]
    assert after["meter_readings"] == before["meter_readings"]
    assert after["fx_rates"] == before["fx_rates"] + 2


def test_operacion_cannot_import_invoices_or_payments(app_home):
    at = login("operacion")
    goto(at, "importacion")
    _upload(at, [("invoices.csv", b"invoice_number\n"), ("payments.csv", b"payment_number\n")])
    shown = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "invoices.csv" in shown and "payments.csv" in shown
    assert at.button(key="importar-revisar").disabled


def test_changing_the_upload_after_the_check_asks_for_a_new_check(app_home):
    at = login("admin")
    goto(at, "importacion")
    _upload(at, [("meter_readings.csv", READINGS)])
    at.button(key="importar-revisar").click().run()
    assert not at.button(key="importar-confirmar").disabled
    _upload(at, [("meter_readings.csv", BAD_READINGS)])
    assert at.button(key="importar-confirmar").disabled
    assert at.warning


def test_allowed_files_follow_the_duties_of_each_area():
    readings = {"meter_readings.csv"}
    invoices = {"invoices.csv", "credit_notes.csv", "fx_rates.csv"}
    money_in = {"payments.csv", "payment_applications.csv", "payment_reversals.csv",
                "collection_actions.csv"}
    finance = allowed_files("finance", None)
    assert finance == invoices | money_in  # billing only, and not the readings
    operacion = allowed_files("operator", "operacion")
    assert readings <= operacion and not (invoices | money_in) & operacion
    assert {"tickets.csv", "devices.csv", "renewals.csv"} <= operacion
    administracion = allowed_files("operator", "administracion")
    assert invoices <= administracion and not (readings | money_in) & administracion
    assert "contracts.csv" in administracion
    finanzas = allowed_files("operator", "finanzas")
    assert invoices | money_in <= finanzas and not readings & finanzas
    comercial = allowed_files("operator", "comercial")
    assert {"accounts.csv", "contracts.csv", "renewals.csv"} <= comercial
    assert not (readings | invoices | money_in) & comercial
    assert readings | invoices | money_in | comercial | operacion <= allowed_files("admin", None)
    assert allowed_files("director", None) == set()


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_format_reference_is_in_the_users_language(app_home):
    at = login("operacion")
    goto(at, "importacion")
    text = _markdown(at)
    assert "| meter_readings.csv | 5 · Medición, facturación y cobranza | Lecturas de " in text
    at.selectbox(key="imp-formato").set_value("meter_readings.csv").run()
    text = _markdown(at)
    assert "| `mono_counter` | sí | número entero | contador de vida mono |" in text
    assert "Meter readings" not in text and "whole number" not in text
    at.session_state["lang"] = "en"
    at.run()
    text = _markdown(at)
    assert "| `mono_counter` | yes | whole number | mono lifetime counter |" in text
    assert "Lecturas" not in text
