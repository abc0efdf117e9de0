"""Meter capture pages (docs/meter-readings.md): the review of held readings and the
missing-reads list before a billing run (billing area: Operación's operators, finance,
admin), and the import profiles of fleet-agent exports with the review thresholds (admin).

Every write is a domain call (billing.approve/reject_meter_reading, meter_profiles
.save_profile, meter_rules.set_threshold), audited; nothing here renders user text as HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboards import exports
from dashboards import queries as warehouse
from operational_app.domain import billing, meter_profiles, meter_rules
from operational_app.domain.errors import ValidationError
from operational_app.meter_capture.reader import read_export
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    confirm_saved,
    current_actor,
    label,
    md,
    records_table,
    show_confirmation,
    success,
)
from operational_app.store.engine import read_session, write_session
from seiton.webapp.formats import fmt_date
from seiton.webapp.i18n import lang, register, t

register({
    "mc_review_title": {"es": "Revisión de lecturas", "en": "Meter-read review"},
    "mc_review_intro": {
        "es": "Lecturas retenidas antes de facturar: no cuentan para la facturación hasta que "
              "se aprueban; mientras tanto el periodo usa la estimación. Aprueba (cuenta desde "
              "ahora) o rechaza (se retira, con el motivo).",
        "en": "Readings held before billing: they do not count for billing until approved; "
              "meanwhile the period uses the estimate. Approve (it counts from now on) or "
              "reject (it is withdrawn, with the reason)."},
    "mc_held": {"es": "Lecturas retenidas", "en": "Held readings"},
    "mc_none_held": {"es": "No hay lecturas retenidas.", "en": "No held readings."},
    "mc_decide": {"es": "Decidir una lectura retenida", "en": "Decide a held reading"},
    "mc_reading": {"es": "Lectura", "en": "Reading"},
    "mc_note": {"es": "Motivo (obligatorio para rechazar)", "en": "Reason (required to reject)"},
    "mc_approve": {"es": "Aprobar", "en": "Approve"},
    "mc_decision": {"es": "Decisión", "en": "Decision"},
    "mc_decide_submit": {"es": "Registrar la decisión", "en": "Record the decision"},
    "mc_reject": {"es": "Rechazar", "en": "Reject"},
    "mc_approved": {"es": "Lectura aprobada", "en": "Reading approved"},
    "mc_rejected": {"es": "Lectura rechazada", "en": "Reading rejected"},
    "mc_decisions": {"es": "Decisiones recientes", "en": "Recent decisions"},
    "mc_thresholds": {"es": "Umbrales vigentes: k = {k} × promedio de 90 días, contadores "
                            "sin cambio más de n = {n} días, lectura faltante a d = {d} días "
                            "(los cambia un administrador).",
                      "en": "Thresholds in force: k = {k} × the 90-day average, counters "
                            "unchanged for more than n = {n} days, read missing after d = {d} "
                            "days (an admin changes them)."},
    "mc_missing": {"es": "Lecturas faltantes antes de facturar",
                   "en": "Missing reads before billing"},
    "mc_missing_intro": {
        "es": "Equipos activos sin lectura real en los últimos {d} días del periodo, por "
              "cuenta (del almacén publicado, al último refresco).",
        "en": "Active devices with no actual reading in the last {d} days of the period, by "
              "account (from the published warehouse, as of the last refresh)."},
    "mc_period": {"es": "Periodo", "en": "Period"},
    "mc_no_warehouse": {"es": "El almacén aún no está publicado.",
                        "en": "The warehouse is not published yet."},
    "mc_no_missing": {"es": "Ningún equipo sin lectura en el periodo.",
                      "en": "No device is missing its read in the period."},
    "mc_download_csv": {"es": "Descargar CSV", "en": "Download CSV"},
    "mc_download_xlsx": {"es": "Descargar Excel", "en": "Download Excel"},
    "mc_profiles_title": {"es": "Perfiles de importación de lecturas",
                          "en": "Meter import profiles"},
    "mc_profiles_intro": {
        "es": "Un perfil dice cómo leer la exportación de un agente (columnas, codificación, "
              "separadores, formato de fecha). Edita el YAML, revisa las primeras filas de un "
              "archivo de muestra leídas con él y guárdalo.",
        "en": "A profile says how to read an agent's export (columns, encoding, separators, "
              "date format). Edit the YAML, preview the first rows of a sample file read "
              "through it, and save it."},
    "mc_profile": {"es": "Perfil", "en": "Profile"},
    "mc_new_profile": {"es": "(nuevo perfil)", "en": "(new profile)"},
    "mc_definition": {"es": "Definición (YAML)", "en": "Definition (YAML)"},
    "mc_sample": {"es": "Archivo de muestra para la vista previa",
                  "en": "Sample file for the preview"},
    "mc_preview": {"es": "Vista previa", "en": "Preview"},
    "mc_save_profile": {"es": "Guardar perfil", "en": "Save profile"},
    "mc_profile_saved": {"es": "Perfil guardado", "en": "Profile saved"},
    "mc_export_yaml": {"es": "Exportar YAML", "en": "Export YAML"},
    "mc_import_yaml": {"es": "Importar un perfil YAML", "en": "Import a YAML profile"},
    "mc_profile_errors": {"es": "El perfil no es válido", "en": "The profile is not valid"},
    "mc_preview_rows": {"es": "Primeras filas leídas con el perfil",
                        "en": "First rows read through the profile"},
    "mc_preview_errors": {"es": "Errores en las primeras filas",
                          "en": "Errors in the first rows"},
    "mc_thresholds_title": {"es": "Umbrales de revisión", "en": "Review thresholds"},
    "mc_threshold_saved": {"es": "Umbral guardado", "en": "Threshold saved"},
    "meter_spike_factor": {"es": "k: veces el promedio diario de 90 días",
                           "en": "k: times the 90-day daily average"},
    "meter_stuck_days": {"es": "n: días con los mismos contadores",
                         "en": "n: days with the same counters"},
    "missing_read_days": {"es": "d: días sin lectura al cierre del periodo",
                          "en": "d: days without a read at period end"},
})

PREVIEW_ROWS = 20


# --------------------------------------------------------------------------- queries


def held_readings() -> pd.DataFrame:
    """Held readings with the reading that counts just before each (what it was judged by)."""
    from sqlalchemy import select

    from operational_app.store.models import Account, Contract, Device, MeterReading

    rows = []
    with read_session(queries._url()) as s:  # noqa: SLF001 - the pages' one store URL
        held = s.execute(
            select(MeterReading, Device, Contract.contract_number, Account.name)
            .join(Device, Device.id == MeterReading.device_id)
            .join(Contract, Contract.id == Device.contract_id)
            .join(Account, Account.id == Contract.account_id)
            .where(MeterReading.review_status == "held", MeterReading.deleted_at.is_(None))
            .order_by(MeterReading.read_on, Device.serial)).all()
        for reading, device, contract, account in held:
            _, before, _ = billing.reading_history(s, device, reading.read_on,
                                                   reading.meter_reset)
            rows.append({
                "serial": device.serial, "read_on": reading.read_on,
                "meter_reset": reading.meter_reset, "contract_number": contract,
                "account": account, "mono_counter": reading.mono_counter,
                "color_counter": reading.color_counter,
                "previous_read_on": before.read_on if before else None,
                "previous_mono": before.mono if before else None,
                "previous_color": before.color if before else None,
                "reason": reading.review_reason, "source": reading.source})
    return pd.DataFrame(rows)


def recent_decisions(limit: int = 50) -> pd.DataFrame:
    from sqlalchemy import select

    from operational_app.store.models import Device, MeterReading

    query = (select(Device.serial, MeterReading.read_on, MeterReading.review_status,
                    MeterReading.review_note, MeterReading.decided_by, MeterReading.decided_at,
                    MeterReading.review_reason)
             .join(Device, Device.id == MeterReading.device_id)
             .where(MeterReading.review_status.in_(("approved", "rejected")))
             .order_by(MeterReading.decided_at.desc()).limit(limit))
    return queries.read(lambda s: queries._frame(s, query))  # noqa: SLF001


def _thresholds() -> meter_rules.Thresholds:
    with read_session(queries._url()) as s:  # noqa: SLF001
        return meter_rules.thresholds(s)


# --------------------------------------------------------------------------- review page


def review_page() -> None:
    st.title(t("mc_review_title"))
    st.caption(t("mc_review_intro"))
    th = _thresholds()
    st.caption(t("mc_thresholds").format(k=th.spike_factor, n=th.stuck_days,
                                         d=th.missing_read_days))
    held = held_readings()
    st.subheader(f"{t('mc_held')} ({len(held)})")
    if held.empty:
        st.caption(t("mc_none_held"))
    else:
        records_table(held, key="revision-retenidas")
        keys = [f"{r.serial} · {r.read_on}" + (" · reset" if r.meter_reset else "")
                for r in held.itertuples()]
        shown = {k: f"{r.serial} · {fmt_date(r.read_on)}"
                    + (f" · {label('meter_reset')}" if r.meter_reset else "")
                 for k, r in zip(keys, held.itertuples(), strict=True)}
        with EntryForm("revision", t("mc_decide"), submit_label=t("mc_decide_submit")) as f:
            choice = st.selectbox(t("mc_reading"), keys, format_func=shown.get,
                                  key=f.track("revision-lectura"))
            decision = st.radio(t("mc_decision"), ("approve", "reject"), horizontal=True,
                                format_func=lambda v: t(f"mc_{v}"),
                                key=f.track("revision-decision"))
            note = f.text("note", label_text=t("mc_note"))
        if f.submitted and choice is not None:
            row = held.iloc[keys.index(choice)]
            reject = decision == "reject"
            fn = billing.reject_meter_reading if reject else billing.approve_meter_reading
            f.save(lambda s, actor: fn(s, actor, serial=row["serial"], read_on=row["read_on"],
                                       meter_reset=bool(row["meter_reset"]), note=note or None),
                   lambda r: success(t("mc_rejected" if reject else "mc_approved"),
                                     (t("entry_device"), row["serial"]), r.read_on))
    show_confirmation("revision")  # also when that was the last held reading (no form left)
    st.subheader(t("mc_decisions"))
    records_table(recent_decisions(), key="revision-decisiones", translate=("review_status",))
    missing_reads_section(th.missing_read_days)


def missing_reads_section(days: int) -> None:
    st.subheader(t("mc_missing"))
    st.caption(t("mc_missing_intro").format(d=days))
    if not warehouse.warehouse_ready():
        st.info(t("mc_no_warehouse"))
        return
    periods = warehouse.df("select distinct period_start from marts.fct_missing_reads "
                           "order by period_start desc")
    if periods.empty:
        st.caption(t("mc_no_missing"))
        return
    options = [pd.Timestamp(p).date() for p in periods["period_start"]]  # shown as YYYY-MM-DD
    period = st.selectbox(t("mc_period"), options, key="faltantes-periodo",
                          index=min(1, len(options) - 1))  # the latest closed month
    frame = warehouse.df(
        "select account_code, account_name, contract_number, serial, model, site, "
        "last_read_on, days_without_read, held_reads, checked_on "
        "from marts.fct_missing_reads where period_start = ? and days_without_read >= ? "
        "order by account_code, serial", [period, days])
    if frame.empty:
        st.caption(t("mc_no_missing"))
        return
    records_table(frame, key="faltantes-tabla")
    c1, c2 = st.columns(2)
    name = f"lecturas-faltantes-{period}"
    c1.download_button(t("mc_download_csv"), exports.to_csv_bytes(frame), f"{name}.csv",
                       "text/csv", key="faltantes-csv")
    c2.download_button(t("mc_download_xlsx"), exports.to_xlsx_bytes(frame, "faltantes"),
                       f"{name}.xlsx", key="faltantes-xlsx")


# --------------------------------------------------------------------------- admin


SAVED_PROFILE = "_perfiles_guardado"


def profiles_page() -> None:
    st.title(t("mc_profiles_title"))
    st.caption(t("mc_profiles_intro"))
    with read_session(queries._url()) as s:  # noqa: SLF001
        available = meter_profiles.available(s)
    names = [t("mc_new_profile"), *available]
    index = 1 if available else 0
    saved = st.session_state.pop(SAVED_PROFILE, None)
    if saved in available:  # the profile just saved: the box comes back on it
        st.session_state.pop("perfiles-perfil", None)
        index = names.index(saved)
    picked = st.selectbox(t("mc_profile"), names, index=index,
                          key="perfiles-perfil")
    start = available.get(picked, "name: mi-perfil\nencoding: utf-8\ndelimiter: \",\"\n"
                                  "date_format: \"%Y-%m-%d\"\ncolumns:\n  serial: Serial\n"
                                  "  read_on: Date\n  mono_counter: Mono\n  color_counter: "
                                  "Color\nunknown_serials: skip\n")
    imported = st.file_uploader(t("mc_import_yaml"), type=["yaml", "yml"],
                                key="perfiles-importar")
    editor = f"perfiles-yaml-{picked}"
    if imported is not None:  # a YAML file replaces the editor's text (saved only on Save)
        start = imported.getvalue().decode("utf-8", errors="replace")
        editor += "-" + hashlib.sha256(imported.getvalue()).hexdigest()[:12]
    text = st.text_area(t("mc_definition"), value=start, height=360, key=editor)
    sample = st.file_uploader(t("mc_sample"), key="perfiles-muestra")
    c1, c2, c3 = st.columns(3)
    preview = c1.button(t("mc_preview"), key="perfiles-vista")
    save = c2.button(t("mc_save_profile"), type="primary", key="perfiles-guardar")
    c3.download_button(t("mc_export_yaml"), text.encode("utf-8"),
                       f"{picked if picked in available else 'perfil'}.yaml",
                       "application/x-yaml", key="perfiles-exportar")
    try:
        profile = meter_profiles.parse_profile(text)
    except ValidationError as exc:
        st.error(t("mc_profile_errors") + "\n\n" + "\n".join(
            f"- **{md(e.field)}**: {md(e.text(lang()))}" for e in exc.errors),
                 icon=":material/error:")
        return
    if preview and sample is not None:
        export = read_export(sample.getvalue(), profile, limit=PREVIEW_ROWS)
        st.subheader(t("mc_preview_rows"))
        records_table(pd.DataFrame([{
            "line": r.line, "serial": r.serial, "read_on": r.read_on,
            "mono_counter": r.mono, "color_counter": r.color, "source": r.source,
            "meter_reset": r.reset} for r in export.rows]), key="perfiles-filas")
        if export.errors:
            st.error(t("mc_preview_errors"), icon=":material/error:")
            st.dataframe(pd.DataFrame([{"line": e.line, "column": e.column, "value": e.value,
                                        "reason": e.text(lang())} for e in export.errors]),
                         hide_index=True, key="perfiles-errores")
    if save:
        try:
            with write_session(queries._url()) as s:  # noqa: SLF001
                row = meter_profiles.save_profile(s, current_actor(), definition=text)
                name = row.name
        except ValidationError as exc:
            st.error(t("entry_not_saved") + "\n\n" + "\n".join(
                f"- **{md(e.field)}**: {md(e.text(lang()))}" for e in exc.errors),
                icon=":material/error:")
        else:
            # the editor comes back on the saved profile, as stored (the one "clear + confirm")
            st.session_state[SAVED_PROFILE] = name
            confirm_saved("perfiles", success(t("mc_profile_saved"), name), [editor])
    show_confirmation("perfiles")
    thresholds_form()


def thresholds_form() -> None:
    th = _thresholds()
    current = {meter_rules.SPIKE_FACTOR.key: str(th.spike_factor),
               meter_rules.STUCK_DAYS.key: str(th.stuck_days),
               meter_rules.MISSING_READ_DAYS.key: str(th.missing_read_days)}
    with EntryForm("umbrales", t("mc_thresholds_title")) as f:
        values = {key: f.text(key, label_text=t(key), value=value)
                  for key, value in current.items()}
    if f.submitted:
        changed = {k: v for k, v in values.items() if v.strip() != current[k]}

        def write(s, actor):
            row = None
            for key, value in changed.items():
                row = meter_rules.set_threshold(s, actor, key=key, value=value)
            return row

        f.save(write, t("mc_threshold_saved"))
