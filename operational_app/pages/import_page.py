"""Import CSV files from the app: upload, preview row by row (nothing written), then import.

The page is open to every operator, to finance and to admin (operational_app/pages
__init__.py), but each *file* is checked on the server against the user's duties: a file
records one transaction type (its format's table) of one stage (`FileFormat.stage`), and
the user may import it only if `can_open` would let them open an entry page recording that
type — an operator the types its area is responsible for, finance those of Finanzas in the
billing stage, admin everything (docs/operational-app.md, "Who records what"). The checks
and the writes are the importer's (the same as `seiton import`): each file all-or-nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from operational_app.csv_import import format_docs, importer
from operational_app.csv_import.formats import FORMATS, IMPORT_ORDER, format_for
from operational_app.pages import queries
from operational_app.pages.forms import current_actor, md
from seiton.webapp import auth
from seiton.webapp.i18n import lang, register, t
from seiton.webapp.registry import PageSpec, can_open

register({
    "imp_title": {"es": "Importar archivos CSV", "en": "Import CSV files"},
    "imp_intro": {
        "es": "Sube uno o varios archivos con los nombres de formato (por ejemplo "
              "meter_readings.csv). Primero se revisan sin escribir nada; después confirmas. "
              "Cada archivo se importa completo o no se importa.",
        "en": "Upload one or more files named as their format (for example "
              "meter_readings.csv). They are checked first without writing anything; then you "
              "confirm. Each file is imported whole or not at all."},
    "imp_formats": {"es": "Formatos que puedes importar", "en": "Formats you may import"},
    "imp_format_of": {"es": "Columnas del archivo", "en": "Columns of the file"},
    "imp_upload": {"es": "Archivos CSV", "en": "CSV files"},
    "imp_preview": {"es": "Revisar", "en": "Check"},
    "imp_confirm": {"es": "Importar los archivos válidos", "en": "Import the valid files"},
    "imp_preview_title": {"es": "Resultado de la revisión (no se escribió nada)",
                          "en": "Check result (nothing written)"},
    "imp_result_title": {"es": "Resultado de la importación", "en": "Import result"},
    "imp_not_allowed": {
        "es": "{file}: tu rol o tu área no puede importar estos registros (etapa «{stage}»).",
        "en": "{file}: your role or area cannot import these records (the «{stage}» "
              "stage)."},
    "imp_stale": {"es": "Los archivos cambiaron desde la revisión: revísalos de nuevo.",
                  "en": "The files changed since the check: check them again."},
    "imp_nothing_valid": {"es": "Ningún archivo es válido: corrige los errores y vuelve a "
                                "revisar.",
                          "en": "No file is valid: fix the errors and check again."},
    "imp_done": {"es": "Importación terminada: {inserted} filas nuevas, {updated} "
                       "actualizadas, {unchanged} sin cambio.",
                 "en": "Import finished: {inserted} rows inserted, {updated} updated, "
                       "{unchanged} unchanged."},
    "imp_refused_files": {"es": "Archivos rechazados (no se escribió nada de ellos): {n}",
                          "en": "Files refused (nothing of them written): {n}"},
    "imp_errors": {"es": "Errores", "en": "Errors"},
    "imp_rows": {"es": "Filas", "en": "Rows"},
    "imp_file": {"es": "Archivo", "en": "File"},
    "imp_status": {"es": "Resultado", "en": "Result"},
    "imp_stage": {"es": "Etapa", "en": "Stage"},
    "imp_summary": {"es": "Descripción", "en": "Description"},
    "imp_line": {"es": "Línea", "en": "Line"},
    "imp_column": {"es": "Columna", "en": "Column"},
    "imp_reason": {"es": "Motivo", "en": "Reason"},
    "imp_key": {"es": "Clave", "en": "Key"},
    "imp_inserted": {"es": "Nuevas", "en": "Inserted"},
    "imp_updated": {"es": "Actualizadas", "en": "Updated"},
    "imp_unchanged": {"es": "Sin cambio", "en": "Unchanged"},
    "imp_refused_rows": {"es": "Filas con error", "en": "Rows in error"},
    "imp_stage_sales": {"es": "1 · Atracción y venta", "en": "1 · Sales"},
    "imp_stage_formalization": {"es": "2 · Formalización", "en": "2 · Formalization"},
    "imp_stage_implementation": {"es": "3 · Implementación", "en": "3 · Implementation"},
    "imp_stage_operation": {"es": "4 · Operación y soporte", "en": "4 · Operation & support"},
    "imp_stage_billing": {"es": "5 · Medición, facturación y cobranza",
                          "en": "5 · Metering, billing & collections"},
    "imp_stage_renewal": {"es": "6 · Renovación", "en": "6 · Renewal"},
    "opt_valid": {"es": "Válido", "en": "Valid"},
    "opt_refused": {"es": "Rechazado", "en": "Refused"},
    "opt_imported": {"es": "Importado", "en": "Imported"},
    "opt_inserted": {"es": "Nueva", "en": "Inserted"},
    "opt_updated": {"es": "Actualizada", "en": "Updated"},
    "opt_unchanged": {"es": "Sin cambio", "en": "Unchanged"},
    "opt_error": {"es": "Error", "en": "Error"},
    "imp_tab_csv": {"es": "Archivos CSV del producto", "en": "The product's CSV files"},
    "imp_tab_agent": {"es": "Exportaciones de agentes (lecturas)",
                      "en": "Agent exports (meter readings)"},
    "imp_agent_intro": {
        "es": "La exportación de un agente de flota (FMAudit, KMnet, …) leída con un perfil de "
              "importación. Todo o nada para los equipos conocidos; los equipos que no son del "
              "distribuidor se listan y no se escriben (si el perfil lo dice). Las lecturas "
              "sospechosas quedan retenidas para revisión.",
        "en": "A fleet agent's export (FMAudit, KMnet, …) read through an import profile. All "
              "or nothing for known devices; devices the dealer does not bill are listed and "
              "not written (when the profile says so). Suspicious readings are held for "
              "review."},
    "imp_agent_profile": {"es": "Perfil", "en": "Profile"},
    "imp_agent_file": {"es": "Archivo exportado", "en": "Exported file"},
    "imp_agent_no_billing": {"es": "Tu rol o tu área no registra lecturas (son de Operación).",
                             "en": "Your role or area does not record meter readings (Operación does)."},
    "imp_agent_unknown": {"es": "Series desconocidas (no se escriben)",
                          "en": "Unknown serials (not written)"},
    "imp_agent_value": {"es": "Valor", "en": "Value"},
})

STATE_KEY = "_import_preview"  # (fingerprint, report) of the last check


# Reference files that are not a stage transaction are recorded with the duty they serve:
# exchange rates convert invoices (the invoices page records them too).
FILE_DUTIES = {"fx_rates.csv": "invoices"}


def file_duty(name: str) -> str:
    """The transaction type a file records (its format's table, or the duty it serves)."""
    return FILE_DUTIES.get(name, FORMATS[name].model.__tablename__)


def may_import(role: str, area: str | None, name: str) -> bool:
    """May this user import the file `name`: could they open an entry page recording it?"""
    fmt = FORMATS[name]
    page = PageSpec(key=f"_{name}", title={}, section=fmt.stage, target="", kind="entry",
                    stage=fmt.stage, transaction_types=frozenset({file_duty(name)}))
    return can_open(role, area, page)


def allowed_files(role: str, area: str | None) -> set[str]:
    """The CSV files (by name) this user may import."""
    return {name for name in FORMATS if may_import(role, area, name)}


def _fingerprint(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _label(value: Any) -> str:
    key = f"opt_{value}"
    text = t(key)
    return value if text == key else text


def _stage_name(stage: str) -> str:
    return t(f"imp_stage_{stage}")


def _formats_table(allowed: set[str]) -> str:
    """The files this user may import, as a markdown table in the UI language (markdown, so
    the headers and fixed values a file must carry show as code)."""
    lines = [f"| {t('imp_file')} | {t('imp_stage')} | {t('imp_summary')} |", "|---|---|---|"]
    lines += [f"| {name} | {_stage_name(FORMATS[name].stage)} | "
              f"{format_docs.cell(format_docs.text(FORMATS[name].summary, lang()))} |"
              for name in IMPORT_ORDER if name in allowed]
    return "\n".join(lines)


def _formats_reference(allowed: set[str]) -> None:
    """The overview, then one file's columns: required or not, type, what they hold."""
    st.markdown(_formats_table(allowed))
    names = [name for name in IMPORT_ORDER if name in allowed]
    if not names:
        return
    name = st.selectbox(t("imp_format_of"), names, key="imp-formato")
    st.markdown(format_docs.reference(FORMATS[name], lang()))


def _show_report(report: Any, title: str) -> None:
    st.subheader(title)
    summary = pd.DataFrame([{
        t("imp_file"): f.file, t("imp_status"): _label(f.status),
        t("imp_inserted"): f.inserted, t("imp_updated"): f.updated,
        t("imp_unchanged"): f.unchanged, t("imp_refused_rows"): f.refused_rows,
    } for f in report.files])
    if not summary.empty:
        st.dataframe(summary, hide_index=True, key=f"imp-summary-{title}")
    errors = [e.as_dict(lang()) for e in report.errors]
    if errors:
        st.error(t("imp_errors"), icon=":material/error:")
        frame = pd.DataFrame(errors).rename(columns={
            "file": t("imp_file"), "line": t("imp_line"), "column": t("imp_column"),
            "reason": t("imp_reason")})
        st.dataframe(frame, hide_index=True, key=f"imp-errors-{title}")
    for f in report.files:
        if f.rows:
            with st.expander(f"{t('imp_rows')} · {md(f.file)}"):
                st.dataframe(pd.DataFrame([{
                    t("imp_line"): r.line, t("imp_status"): _label(r.status),
                    t("imp_key"): r.key,
                    t("imp_reason"): "; ".join(e.text(lang()) for e in r.errors)} for r in f.rows]),
                    hide_index=True, key=f"imp-rows-{title}-{f.file}")


def render() -> None:
    st.title(t("imp_title"))
    user = auth.current_user()
    allowed = allowed_files(user.role, user.area)
    csv_tab, agent_tab = st.tabs([t("imp_tab_csv"), t("imp_tab_agent")])
    with agent_tab:
        agent_exports(allowed)
    with csv_tab:
        csv_files(allowed)


AGENT_KEY = "_import_agent_preview"


def agent_exports(allowed: set[str]) -> None:
    """The same import as `seiton import-meters`, with the profile chosen from a list."""
    from operational_app.domain import meter_profiles
    from operational_app.meter_capture import importer as meters
    from operational_app.store.engine import read_session

    st.caption(t("imp_agent_intro"))
    if "meter_readings.csv" not in allowed:  # readings are Operación's records
        st.info(t("imp_agent_no_billing"))
        return
    with read_session(queries._url()) as s:  # noqa: SLF001 - the pages' one store URL
        names = sorted(meter_profiles.available(s))
    profile = st.selectbox(t("imp_agent_profile"), names, key="importar-perfil",
                           index=names.index("fmaudit-es") if "fmaudit-es" in names else 0)
    upload = st.file_uploader(t("imp_agent_file"), key="importar-exportacion")
    if upload is None:
        return
    data = upload.getvalue()
    fingerprint = _fingerprint([(f"{profile}:{upload.name}", data)])
    c1, c2 = st.columns(2)
    if c1.button(t("imp_preview"), key="importar-exp-revisar"):
        st.session_state[AGENT_KEY] = (fingerprint, meters.preview(
            data, profile, actor=current_actor(), filename=upload.name))
    previous = st.session_state.get(AGENT_KEY)
    preview = previous[1] if previous and previous[0] == fingerprint else None
    confirm = c2.button(t("imp_confirm"), key="importar-exp-confirmar", type="primary",
                        disabled=preview is None or not preview.ok)
    report = preview
    if confirm and preview is not None and preview.ok:
        report = meters.import_meters(data, profile, actor=current_actor(),
                                      filename=upload.name)
        st.session_state.pop(AGENT_KEY, None)
        queries.invalidate()
    if report is None:
        return
    (st.success if report.ok else st.error)(md(report.summary(lang())))
    if report.unknown_serials:
        st.caption(t("imp_agent_unknown"))
        st.dataframe(pd.DataFrame([{"serial": k, t("imp_line"): ", ".join(map(str, v[:10]))}
                                   for k, v in sorted(report.unknown_serials.items())]),
                     hide_index=True, key="importar-exp-desconocidas")
    if report.errors:
        st.dataframe(pd.DataFrame([{
            t("imp_line"): e.line, t("imp_column"): e.column, t("imp_agent_value"): e.value,
            t("imp_reason"): e.text(lang())} for e in report.errors]),
            hide_index=True, key="importar-exp-errores")


def csv_files(allowed: set[str]) -> None:
    st.caption(t("imp_intro"))
    actor = current_actor()
    with st.expander(t("imp_formats")):
        _formats_reference(allowed)

    uploads = st.file_uploader(t("imp_upload"), type=["csv"], accept_multiple_files=True,
                               key="importar-archivos") or []
    files = [(u.name, u.getvalue()) for u in uploads]

    # Refuse, on the server, the files of records this user is not responsible for.
    permitted: list[tuple[str, bytes]] = []
    for name, data in files:
        fmt = format_for(name)
        if fmt is not None and fmt.filename not in allowed:
            st.error(md(t("imp_not_allowed").format(file=name, stage=_stage_name(fmt.stage))),
                     icon=":material/block:")
        else:
            permitted.append((name, data))

    fingerprint = _fingerprint(permitted)
    c1, c2 = st.columns(2)
    check = c1.button(t("imp_preview"), key="importar-revisar", disabled=not permitted)
    if check:
        report = importer.preview_files(permitted, actor=actor)
        st.session_state[STATE_KEY] = (fingerprint, report)

    previous = st.session_state.get(STATE_KEY)
    preview = previous[1] if previous and previous[0] == fingerprint and permitted else None
    if previous and preview is None and permitted:
        st.warning(t("imp_stale"))
    valid = {f.file for f in preview.files if f.ok} if preview else set()
    confirm = c2.button(t("imp_confirm"), key="importar-confirmar", type="primary",
                        disabled=not valid)
    if confirm and preview is not None:
        result = importer.import_files([(n, d) for n, d in permitted if n in valid],
                                       actor=actor)
        st.session_state.pop(STATE_KEY, None)
        queries.invalidate()
        st.success(t("imp_done").format(inserted=result.inserted, updated=result.updated,
                                        unchanged=result.unchanged),
                   icon=":material/check_circle:")
        refused = [f.file for f in preview.files if not f.ok]
        if refused:
            st.warning(md(t("imp_refused_files").format(n=", ".join(refused))))
        _show_report(result, t("imp_result_title"))
        return
    if preview is not None:
        if not valid:
            st.warning(t("imp_nothing_valid"))
        _show_report(preview, t("imp_preview_title"))
