"""CFDI pages (docs/cfdi.md): finance's "CFDI" — a period's invoices with their stamped
CFDI, the XML of any invoice opened from its row, the period's export as a zip — and the
admin's "Datos fiscales", the company's fiscal configuration (validated by
domain/fiscal.py). The XML lives in the operational DB, so these pages read it there; it is
shown as code, never rendered as HTML."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import select

from operational_app.cfdi import build, export
from operational_app.domain import fiscal
from operational_app.domain.errors import ValidationError
from operational_app.pages.forms import (
    confirm_saved,
    current_actor,
    display_frame,
    label,
    show_confirmation,
    success,
)
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import CfdiCancellation, CfdiDocument, Contract, Invoice
from seiton.webapp.formats import fmt_money
from seiton.webapp.i18n import STRINGS, lang, register, t

register({
    "cfdi_title": {"es": "CFDI", "en": "CFDI"},
    "cfdi_intro": {"es": "Facturas del periodo con su CFDI timbrado; abre el XML de cualquier "
                         "factura o descarga la exportación del periodo para el PAC.",
                   "en": "The period's invoices with their stamped CFDI; open any invoice's "
                         "XML or download the period's export for the PAC."},
    "cfdi_period": {"es": "Periodo de facturación", "en": "Billing period"},
    "cfdi_download": {"es": "Descargar la exportación del periodo (zip)",
                      "en": "Download the period's export (zip)"},
    "cfdi_not_exported": {"es": "No se exportaron", "en": "Not exported"},
    "cfdi_open": {"es": "Abrir el XML de la factura", "en": "Open the invoice's XML"},
    "cfdi_none": {"es": "— ninguna —", "en": "— none —"},
    "cfdi_no_xml": {"es": "La factura no tiene CFDI timbrado importado; se muestra el XML "
                          "sin timbrar que exportaría el sistema.",
                    "en": "The invoice has no imported stamped CFDI; shown is the unsigned "
                          "XML the export would write."},
    "cfdi_xml_download": {"es": "Descargar el XML", "en": "Download the XML"},
    "cfdi_no_invoices": {"es": "No hay facturas en este periodo.",
                         "en": "No invoices in this period."},
    "fiscal_title": {"es": "Datos fiscales", "en": "Fiscal data"},
    "fiscal_intro": {"es": "Los datos del emisor para los CFDI. Una variable de entorno "
                           "(SEITON_ISSUER_…) tiene prioridad sobre lo guardado aquí.",
                     "en": "The issuer's data for the CFDI. An environment variable "
                           "(SEITON_ISSUER_…) wins over what is stored here."},
    "fiscal_save": {"es": "Guardar", "en": "Save"},
    "fiscal_saved": {"es": "Datos fiscales guardados", "en": "Fiscal data saved"},
})

# the issuer's settings (operational_app/domain/fiscal.py), by their labels
_FISCAL_FIELDS = ("issuer_rfc", "issuer_name", "issuer_regime", "issuer_postal_code",
                  "invoice_series", "credit_note_series")
register({
    "fiscal_issuer_rfc": {"es": "RFC", "en": "RFC"},
    "fiscal_issuer_name": {"es": "Nombre o razón social", "en": "Name"},
    "fiscal_issuer_regime": {"es": "Régimen fiscal", "en": "Tax regime"},
    "fiscal_issuer_postal_code": {"es": "Código postal de expedición",
                                  "en": "Postal code of issue"},
    "fiscal_invoice_series": {"es": "Serie de facturas", "en": "Invoice series"},
    "fiscal_credit_note_series": {"es": "Serie de notas de crédito",
                                  "en": "Credit note series"},
    # the kinds of invoice line (fiscal.LINE_KINDS), each with its SAT keys
    "fiscal_kind_fixed_fee": {"es": "cuota fija", "en": "fixed fee"},
    "fiscal_kind_overage": {"es": "excedente", "en": "overage"},
    "fiscal_kind_true_up": {"es": "ajuste a mínimo", "en": "minimum true-up"},
    "fiscal_kind_adjustment": {"es": "ajuste", "en": "adjustment"},
    "fiscal_missing": {"es": "Faltan datos fiscales del emisor: {fields}. Se capturan en la "
                             "página Datos fiscales; sin ellos no se exporta ningún CFDI.",
                       "en": "The issuer's fiscal data is missing: {fields}. Enter it on the "
                             "Fiscal data page; without it no CFDI is exported."},
    # the CFDI column of the period's table
    "cfdi_status_not_stamped": {"es": "Sin timbrar", "en": "Not stamped"},
    "cfdi_status_cancelled": {"es": "Cancelado", "en": "Cancelled"},
    "cfdi_status_amounts_differ": {"es": "Importe distinto", "en": "Amounts differ"},
    "cfdi_status_stamped": {"es": "Timbrado", "en": "Stamped"},
    "cfdi_c_invoice": {"es": "Factura", "en": "Invoice"},
    "cfdi_c_contract": {"es": "Contrato", "en": "Contract"},
    "cfdi_c_issued": {"es": "Emitida", "en": "Issued"},
    "cfdi_c_total": {"es": "Total", "en": "Total"},
    "cfdi_c_currency": {"es": "Moneda", "en": "Currency"},
    "cfdi_c_status": {"es": "CFDI", "en": "CFDI"},
    "cfdi_c_uuid": {"es": "UUID", "en": "UUID"},
    "cfdi_c_stamped_at": {"es": "Timbrado el", "en": "Stamped at"},
})
_COLUMNS = ("invoice", "contract", "issued", "total", "currency", "status", "uuid", "stamped_at")


def _periods() -> list[date]:
    with read_session() as s:
        found = sorted({d.replace(day=1) for d in s.scalars(select(Invoice.period_start))},
                       reverse=True)
    return found


def _rows(period: date) -> pd.DataFrame:
    with read_session() as s:
        cancelled = set(s.scalars(select(CfdiCancellation.uuid)))
        invoices = s.execute(
            select(Invoice.id, Invoice.invoice_number, Contract.contract_number,
                   Invoice.issued_on, Invoice.total, Invoice.currency)
            .join(Contract, Contract.id == Invoice.contract_id)
            .where(Invoice.period_start >= period,
                   Invoice.period_start < export._next_month(period))  # noqa: SLF001
            .order_by(Invoice.invoice_number)).all()
        docs = {}
        for doc in s.scalars(select(CfdiDocument).where(
                CfdiDocument.invoice_id.in_([i.id for i in invoices]))):
            docs.setdefault(doc.invoice_id, []).append(
                (doc.stamped_at, doc.uuid, doc.total))
    out = []
    for inv in invoices:
        mine = sorted(docs.get(inv.id, []))
        live = [d for d in mine if d[1] not in cancelled]
        doc = (live or mine or [None])[-1]
        if doc is None:
            status = "not_stamped"
        elif not live:
            status = "cancelled"
        elif doc[2] != inv.total:
            status = "amounts_differ"
        else:
            status = "stamped"
        out.append({"invoice": inv.invoice_number, "contract": inv.contract_number,
                    "issued": inv.issued_on, "total": inv.total,
                    "currency": inv.currency, "status": status,
                    "uuid": doc[1] if doc is not None else None,
                    "stamped_at": doc[0] if doc is not None else None})
    return pd.DataFrame(out, columns=list(_COLUMNS))


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """The table as people read it: statuses by their names, dates and money in the
    language's formats (forms.display_frame), the headers translated."""
    view = rows.copy()
    view["status"] = view["status"].map(lambda code: t(f"cfdi_status_{code}"))
    view = display_frame(view)
    view["total"] = [fmt_money(v) for v in rows["total"]]
    return view.rename(columns={c: t(f"cfdi_c_{c}") for c in _COLUMNS})


def _xml_of(invoice_number: str) -> tuple[str, bool]:
    """The invoice's stamped XML (the latest imported), else its unsigned export."""
    with read_session() as s:
        invoice = s.scalars(select(Invoice).where(Invoice.invoice_number == invoice_number)).one()
        doc = s.scalars(select(CfdiDocument).where(CfdiDocument.invoice_id == invoice.id)
                        .order_by(CfdiDocument.stamped_at.desc())).first()
        if doc is not None:
            return doc.xml, True

        try:
            return build.invoice_xml(s, invoice, fiscal.fiscal_config(s)).decode(), False
        except build.BuildError as exc:
            return f"<!-- {exc} -->", False


def render() -> None:
    st.title(t("cfdi_title"))
    st.caption(t("cfdi_intro"))
    periods = _periods()
    if not periods:
        st.info(t("cfdi_no_invoices"))
        return
    period = st.selectbox(t("cfdi_period"), periods, format_func=lambda d: d.strftime("%Y-%m"))
    rows = _rows(period)
    st.dataframe(_shown(rows), hide_index=True, width="stretch")
    with read_session() as s:
        report = export.build_period(s, period)
        missing = fiscal.fiscal_config(s).missing()
    st.download_button(t("cfdi_download"), export.as_zip(report),
                       file_name=f"cfdi-{period:%Y-%m}.zip", mime="application/zip")
    if missing:  # every document fails for it: said once, by the fields' labels
        st.warning(t("fiscal_missing").format(
            fields=", ".join(t(f"fiscal_{name}") for name in missing)))
    errors = [e for e in report.errors if not (missing and build.MISSING_FISCAL_DATA in e)]
    if errors:
        with st.expander(f"{t('cfdi_not_exported')} ({len(errors)})"):
            for err in errors:
                st.text(err)
    numbers = list(rows["invoice"]) if not rows.empty else []
    choice = st.selectbox(t("cfdi_open"), [t("cfdi_none"), *numbers],
                          key="cfdi_invoice")
    if choice in numbers:
        xml, stamped = _xml_of(choice)
        if not stamped:
            st.caption(t("cfdi_no_xml"))
        st.download_button(t("cfdi_xml_download"), xml.encode(), file_name=f"{choice}.xml",
                           mime="application/xml")
        st.code(xml, language="xml")


def render_fiscal() -> None:
    st.title(t("fiscal_title"))
    st.caption(t("fiscal_intro"))
    with read_session() as s:
        config = fiscal.fiscal_config(s)
    current = {"issuer_rfc": config.rfc, "issuer_name": config.name,
               "issuer_regime": config.regime, "issuer_postal_code": config.postal_code,
               "invoice_series": config.invoice_series,
               "credit_note_series": config.credit_note_series}
    with st.form("fiscal"):
        values = {key: st.text_input(t(f"fiscal_{key}"), value=current[key] or "",
                                     key=f"fiscal_{key}")
                  for key in _FISCAL_FIELDS}
        for kind in fiscal.LINE_KINDS:
            name = t(f"fiscal_kind_{kind}")
            values[f"product_key.{kind}"] = st.text_input(
                f"ClaveProdServ · {name}", value=config.product_keys[kind], key=f"fp_{kind}")
            values[f"unit_key.{kind}"] = st.text_input(
                f"ClaveUnidad · {name}", value=config.unit_keys[kind], key=f"fu_{kind}")
        submitted = st.form_submit_button(t("fiscal_save"))
    if submitted:
        actor = current_actor()  # the write path's role and duty check
        changed = {k: v for k, v in values.items() if v.strip()}
        try:
            with write_session() as s:
                fiscal.set_fiscal_config(s, actor, **changed)
        except ValidationError as exc:
            for err in exc.errors:  # the field by the label the form shows
                key = f"fiscal_{err.field}"
                st.error(f"{t(key) if key in STRINGS else label(err.field)}: {err.text(lang())}")
            return  # the form keeps what was typed
        # the boxes come back holding what is now stored (the one "clear + confirm")
        rfc = values["issuer_rfc"].strip().upper() or config.rfc
        confirm_saved("fiscal", success(t("fiscal_saved"), (t("fiscal_issuer_rfc"), rfc)),
                      [f"fiscal_{k}" for k in _FISCAL_FIELDS]
                      + [f"f{p}_{kind}" for p in "pu" for kind in fiscal.LINE_KINDS])
    show_confirmation("fiscal")
