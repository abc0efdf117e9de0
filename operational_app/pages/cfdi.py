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

from operational_app.cfdi import export
from operational_app.domain import fiscal
from operational_app.domain.errors import ValidationError
from operational_app.pages.forms import current_actor, label
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import CfdiCancellation, CfdiDocument, Contract, Invoice
from seiton.webapp.i18n import lang, register, t

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

_FISCAL_FIELDS = (
    ("issuer_rfc", "RFC"), ("issuer_name", "Nombre / razón social"),
    ("issuer_regime", "Régimen fiscal"), ("issuer_postal_code", "Código postal de expedición"),
    ("invoice_series", "Serie de facturas"), ("credit_note_series", "Serie de notas de crédito"),
)


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
        out.append({"factura": inv.invoice_number, "contrato": inv.contract_number,
                    "emitida": inv.issued_on, "total": str(inv.total),
                    "moneda": inv.currency, "cfdi": status,
                    "uuid": doc[1] if doc is not None else "",
                    "timbrada": doc[0] if doc is not None else None})
    return pd.DataFrame(out)


def _xml_of(invoice_number: str) -> tuple[str, bool]:
    """The invoice's stamped XML (the latest imported), else its unsigned export."""
    with read_session() as s:
        invoice = s.scalars(select(Invoice).where(Invoice.invoice_number == invoice_number)).one()
        doc = s.scalars(select(CfdiDocument).where(CfdiDocument.invoice_id == invoice.id)
                        .order_by(CfdiDocument.stamped_at.desc())).first()
        if doc is not None:
            return doc.xml, True
        from operational_app.cfdi import build

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
    st.dataframe(rows, hide_index=True, use_container_width=True)
    with read_session() as s:
        report = export.build_period(s, period)
    st.download_button(t("cfdi_download"), export.as_zip(report),
                       file_name=f"cfdi-{period:%Y-%m}.zip", mime="application/zip")
    if report.errors:
        with st.expander(f"{t('cfdi_not_exported')} ({len(report.errors)})"):
            for err in report.errors:
                st.text(err)
    numbers = list(rows["factura"]) if not rows.empty else []
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
        values = {key: st.text_input(label, value=current[key] or "", key=f"fiscal_{key}")
                  for key, label in _FISCAL_FIELDS}
        for kind in fiscal.LINE_KINDS:
            values[f"product_key.{kind}"] = st.text_input(
                f"ClaveProdServ · {kind}", value=config.product_keys[kind], key=f"fp_{kind}")
            values[f"unit_key.{kind}"] = st.text_input(
                f"ClaveUnidad · {kind}", value=config.unit_keys[kind], key=f"fu_{kind}")
        submitted = st.form_submit_button(t("fiscal_save"))
    if submitted:
        actor = current_actor()  # the write path's role and duty check
        changed = {k: v for k, v in values.items() if v.strip()}
        try:
            with write_session() as s:
                fiscal.set_fiscal_config(s, actor, **changed)
        except ValidationError as exc:
            for err in exc.errors:
                st.error(f"{label(err.field)}: {err.text(lang())}")
            return
        st.success(t("fiscal_saved"))
