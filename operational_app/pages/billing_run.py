"""Finance's "Emisión de facturas" (docs/billing-run.md): the billing run of a period — its
drafts with their lines and amounts, regenerate, exclude a contract with a reason, give a
draft its own issue date, post. Every action goes through operational_app/domain/billing_run.py,
the same code as `seiton bill`; directors see the page read-only (the domain refuses anyone
but finance and admin anyway)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import select

from operational_app.domain import billing_run, fields
from operational_app.domain.errors import ValidationError
from operational_app.pages.forms import (
    confirm_saved,
    current_actor,
    label,
    records_table,
    show_confirmation,
    success,
)
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import Contract, CreditNote, Invoice
from seiton.webapp import auth
from seiton.webapp.formats import fmt_month
from seiton.webapp.i18n import lang, register, t
from seiton.webapp.registry import may_record, running_page

register({
    "brun_title": {"es": "Emisión de facturas", "en": "Billing run"},
    "brun_intro": {"es": "Las facturas del periodo salen de los cargos calculados en el almacén: "
                         "borradores con sus partidas, regenerados si cambian las lecturas, y "
                         "emitidos con serie y folio consecutivo. Los borradores no son cuentas "
                         "por cobrar.",
                   "en": "The period's invoices come from the charges computed in the "
                         "warehouse: drafts with their lines, regenerated when readings change, "
                         "and posted with series and consecutive folio. Drafts are not "
                         "receivables."},
    "brun_period": {"es": "Periodo", "en": "Period"},
    "brun_issue_date": {"es": "Fecha de emisión", "en": "Issue date"},
    "brun_refresh": {"es": "Actualizar el almacén antes (recomendado)",
                     "en": "Refresh the warehouse first (recommended)"},
    "brun_draft": {"es": "Generar / regenerar borradores", "en": "Draft / regenerate"},
    "brun_preview": {"es": "Vista previa de la emisión (no escribe nada)",
                     "en": "Preview the posting (writes nothing)"},
    "brun_post": {"es": "Emitir las facturas", "en": "Post the invoices"},
    "brun_read_only": {"es": "Solo Finanzas y administración emiten facturas; esta vista es de "
                             "consulta.",
                       "en": "Only finance and admin post invoices; this view is read-only."},
    "brun_drafts": {"es": "Documentos del periodo", "en": "The period's documents"},
    "brun_no_drafts": {"es": "Aún no hay borradores para este periodo.",
                       "en": "No drafts for this period yet."},
    "brun_lines_of": {"es": "Partidas del documento", "en": "Lines of the document"},
    "brun_none": {"es": "— ninguno —", "en": "— none —"},
    "brun_exclusions": {"es": "Contratos excluidos de la emisión",
                        "en": "Contracts left out of the run"},
    "brun_no_exclusions": {"es": "Ningún contrato excluido.", "en": "No contract excluded."},
    "brun_exclude": {"es": "Excluir un contrato", "en": "Exclude a contract"},
    "brun_contract": {"es": "Contrato", "en": "Contract"},
    "brun_reason": {"es": "Motivo", "en": "Reason"},
    "brun_exclude_button": {"es": "Excluir", "en": "Exclude"},
    "brun_lift": {"es": "Quitar la exclusión", "en": "Lift the exclusion"},
    "brun_set_date": {"es": "Fecha de emisión propia de un borrador",
                      "en": "A draft's own issue date"},
    "brun_set_date_button": {"es": "Guardar la fecha", "en": "Save the date"},
    "brun_excluded": {"es": "Contrato excluido de la emisión",
                      "en": "Contract left out of the run"},
    "brun_lifted": {"es": "Exclusión quitada", "en": "Exclusion lifted"},
    "brun_date_set": {"es": "Fecha de emisión guardada", "en": "Issue date saved"},
    "brun_working": {"es": "Corriendo la emisión…", "en": "Running the billing run…"},
    # the columns of the documents and lines tables that the field labels do not name
    "brun_col_draft": {"es": "Borrador", "en": "Draft"},
    "brun_col_document": {"es": "Documento", "en": "Document"},
    "brun_col_purpose": {"es": "Propósito", "en": "Purpose"},
    "brun_col_number": {"es": "Número", "en": "Number"},
    "brun_col_line": {"es": "Partida", "en": "Line"},
    "brun_col_kind": {"es": "Concepto", "en": "Item"},
    "brun_col_from_page": {"es": "Desde página", "en": "From page"},
    "brun_col_estimated": {"es": "Estimada", "en": "Estimated"},
    "brun_col_user": {"es": "Usuario", "en": "User"},
    # the fixed values those tables show (invoice_drafts' and their lines' check constraints)
    "opt_invoice": {"es": "Factura", "en": "Invoice"},
    "opt_credit_note": {"es": "Nota de crédito", "en": "Credit note"},
    "opt_charge": {"es": "Cargo del periodo", "en": "Period charge"},
    "opt_adjustment": {"es": "Ajuste", "en": "Adjustment"},
    "opt_draft": {"es": "Borrador", "en": "Draft"},
    "opt_posted": {"es": "Emitido", "en": "Posted"},
    "opt_fixed_fee": {"es": "Renta fija", "en": "Fixed fee"},
    "opt_overage": {"es": "Excedente", "en": "Overage"},
    "opt_true_up": {"es": "Ajuste anual", "en": "True-up"},
})

DOCUMENT_LABELS = {"draft_id": "brun_col_draft", "document_type": "brun_col_document",
                   "purpose": "brun_col_purpose", "number": "brun_col_number"}
LINE_LABELS = {"line_number": "brun_col_line", "kind": "brun_col_kind",
               "tier_from_page": "brun_col_from_page", "is_estimated": "brun_col_estimated"}

ACTIONS_KEY = "brun_last_report"


def _periods(today: date) -> list[date]:
    """The last 36 months that are over, newest first."""
    out, cur = [], today.replace(day=1)
    for _ in range(36):
        cur = (cur - timedelta(days=1)).replace(day=1)
        out.append(cur)
    return out


def _documents(period: date) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    with read_session() as s:
        drafts = billing_run.drafts_of(s, period)
        numbers = dict(s.execute(select(Invoice.id, Invoice.invoice_number)).all())
        notes = dict(s.execute(select(CreditNote.id, CreditNote.credit_note_number)).all())
        rows, lines = [], {}
        for d, contract, draft_lines in drafts:
            doc = numbers.get(d.posted_invoice_id) or notes.get(d.posted_credit_note_id) or ""
            key = f"{d.id} · {contract} · {doc or t('brun_none')}"
            rows.append({"draft_id": d.id, "contract_number": contract,
                         "document_type": d.document_type, "purpose": d.purpose,
                         "status": d.status, "number": doc, "issued_on": d.issued_on,
                         "subtotal": d.subtotal, "tax_amount": d.tax_amount, "total": d.total,
                         "currency": d.currency, "key": key})
            lines[key] = pd.DataFrame(
                [{"line_number": ln.line_number, "kind": ln.kind, "meter": ln.meter,
                  "tier_from_page": ln.tier_from_page, "description": ln.description,
                  "quantity": ln.quantity, "unit_price": ln.unit_price, "amount": ln.amount,
                  "tax_amount": ln.tax_amount, "is_estimated": ln.is_estimated}
                 for ln in draft_lines])
    return pd.DataFrame(rows), lines


def _show_errors(exc: ValidationError) -> None:
    for err in exc.errors:
        st.error(f"{label(err.field)}: {err.text(lang())}")


def _run(user: str, period: date, *, post: bool, dry_run: bool, issue: date,
         refresh: bool) -> None:
    try:
        with st.spinner(t("brun_working")):
            report = billing_run.bill(user, period, post=post, dry_run=dry_run,
                                      issue_date=issue, refresh=refresh)
    except ValidationError as exc:
        _show_errors(exc)
        return
    st.session_state[ACTIONS_KEY] = report.lines(lang())


def render() -> None:
    st.title(t("brun_title"))
    st.caption(t("brun_intro"))
    user = auth.current_user()
    # the duties rule (registry.may_record: the page records invoices, Finanzas' and
    # Administración's) and the run's own roles; every write takes its actor from
    # current_actor(), which checks the duties again on the server
    can_act = (user is not None and user.role in billing_run.RUN_ROLES
               and may_record(user.role, user.area, running_page()))
    today = fields.today()
    period = st.selectbox(t("brun_period"), _periods(today),
                          format_func=fmt_month, key="brun_period")
    if not can_act:
        st.info(t("brun_read_only"))
    else:
        issue = st.date_input(t("brun_issue_date"), value=today, key="brun_issue")
        refresh = st.checkbox(t("brun_refresh"), value=True, key="brun_refresh")
        c1, c2, c3 = st.columns(3)
        if c1.button(t("brun_draft"), key="brun_draft"):
            _run(current_actor(), period, post=False, dry_run=False, issue=issue,
                 refresh=refresh)
        if c2.button(t("brun_preview"), key="brun_preview"):
            _run(current_actor(), period, post=True, dry_run=True, issue=issue,
                 refresh=refresh)
        if c3.button(t("brun_post"), key="brun_post", type="primary"):
            _run(current_actor(), period, post=True, dry_run=False, issue=issue,
                 refresh=refresh)
        if st.session_state.get(ACTIONS_KEY):
            st.code("\n".join(st.session_state[ACTIONS_KEY]), language=None)

    st.subheader(t("brun_drafts"))
    docs, lines = _documents(period)
    if docs.empty:
        st.info(t("brun_no_drafts"))
    else:
        records_table(docs.drop(columns=["key"]), key="brun_docs_table",
                      column_labels={c: t(k) for c, k in DOCUMENT_LABELS.items()},
                      translate=("document_type", "purpose", "status"))
        choice = st.selectbox(t("brun_lines_of"), [t("brun_none"), *docs["key"]],
                              key="brun_lines")
        if choice in lines:
            records_table(lines[choice], key="brun_lines_table",
                          column_labels={c: t(k) for c, k in LINE_LABELS.items()},
                          translate=("kind", "meter"))

    st.subheader(t("brun_exclusions"))
    with read_session() as s:
        excluded = billing_run.exclusions_of(s, period)
        contracts = list(s.scalars(select(Contract.contract_number)
                                   .order_by(Contract.contract_number)))
    if excluded:
        records_table(pd.DataFrame(excluded, columns=["contract_number", "reason", "user"]),
                      key="brun_excluded_table", column_labels={"user": t("brun_col_user")})
    else:
        st.caption(t("brun_no_exclusions"))
    if not can_act:
        return
    with st.form("brun_exclude_form"):
        st.markdown(f"**{t('brun_exclude')}**")
        contract = st.selectbox(t("brun_contract"), contracts, key="brun_ex_contract")
        reason = st.text_input(t("brun_reason"), key="brun_ex_reason")
        if st.form_submit_button(t("brun_exclude_button")):
            try:
                with write_session() as s:
                    billing_run.exclude(s, current_actor(), contract_number=contract,
                                        period=period, reason=reason)
            except ValidationError as exc:
                _show_errors(exc)  # the form keeps what was typed
            else:
                confirm_saved("brun_exclude_form",
                              success(t("brun_excluded"), contract, fmt_month(period), reason),
                              ["brun_ex_contract", "brun_ex_reason"])
    show_confirmation("brun_exclude_form")
    show_confirmation("brun_lift")
    if excluded:
        lift = st.selectbox(t("brun_lift"), [t("brun_none"), *[e[0] for e in excluded]],
                            key="brun_lift")
        if lift != t("brun_none") and st.button(t("brun_lift"), key="brun_lift_button"):
            try:
                with write_session() as s:
                    billing_run.lift_exclusion(s, current_actor(), contract_number=lift,
                                               period=period)
            except ValidationError as exc:
                _show_errors(exc)
            else:
                confirm_saved("brun_lift", success(t("brun_lifted"), lift, fmt_month(period)),
                              ["brun_lift"])
    open_drafts = docs[docs["status"] == "draft"] if not docs.empty else docs
    if not open_drafts.empty:
        with st.form("brun_date_form"):
            st.markdown(f"**{t('brun_set_date')}**")
            draft = st.selectbox(t("brun_contract"), list(open_drafts["key"]),
                                 key="brun_date_draft")
            day = st.date_input(t("brun_issue_date"), value=today, key="brun_date_day")
            if st.form_submit_button(t("brun_set_date_button")):
                try:
                    with write_session() as s:
                        billing_run.set_issue_date(s, current_actor(),
                                                   draft_id=draft.split(" · ")[0], issued_on=day)
                except ValidationError as exc:
                    _show_errors(exc)
                else:
                    confirm_saved("brun_date_form", success(t("brun_date_set"), draft, day),
                                  ["brun_date_draft", "brun_date_day"])
    show_confirmation("brun_date_form")
