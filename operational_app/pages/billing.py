"""Stage 5 — metering, billing and collections.

Posted financial documents (invoices, credit notes, payments, applications, reversals) are
only ever added here: no page edits or deletes one. An invoice is corrected by a credit
note, a payment by a reversal (docs/stages-and-kpis.md; the DB's triggers refuse it anyway).
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from operational_app.domain import billing
from operational_app.domain.fields import CURRENCIES
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    label,
    md,
    option_label,
    records_table,
    search_box,
    success,
    today,
)
from seiton.webapp.formats import fmt_money, fmt_number
from seiton.webapp.i18n import register, t

register({
    "bill_readings_title": {"es": "Lecturas de contadores", "en": "Meter readings"},
    "bill_new_reading": {"es": "Nueva lectura", "en": "New reading"},
    "bill_reading_saved": {"es": "Lectura registrada", "en": "Reading recorded"},
    "bill_reading_held": {"es": "Lectura registrada y retenida para revisión (no cuenta para "
                                "facturar hasta que se apruebe)",
                          "en": "Reading recorded and held for review (it does not count for "
                                "billing until approved)"},
    "bill_reading_help": {
        "es": "Contadores de vida del equipo. Si se cambió el medidor, registra primero la "
              "lectura final del medidor viejo y luego la inicial del nuevo con «Cambio de "
              "medidor».",
        "en": "The device's lifetime counters. If the meter was replaced, record the old "
              "meter's final reading first, then the new meter's start with «Meter replaced»."},
    "bill_withdraw_reading": {"es": "Retirar una lectura capturada por error",
                              "en": "Withdraw a reading recorded by mistake"},
    "bill_withdraw_help": {"es": "Solo la lectura más reciente del equipo.",
                           "en": "Only the device's latest reading."},
    "bill_reading_withdrawn": {"es": "Lectura retirada", "en": "Reading withdrawn"},
    "bill_invoices_title": {"es": "Facturas y notas de crédito",
                            "en": "Invoices and credit notes"},
    "bill_new_invoice": {"es": "Emitir factura", "en": "Issue an invoice"},
    "bill_invoice_saved": {"es": "Factura emitida", "en": "Invoice issued"},
    "bill_total_help": {"es": "Debe ser subtotal + IVA.", "en": "Must be subtotal + tax."},
    "bill_credit_note": {"es": "Nota de crédito", "en": "Credit note"},
    "bill_credit_saved": {"es": "Nota de crédito emitida", "en": "Credit note issued"},
    "bill_fx": {"es": "Tipo de cambio", "en": "Exchange rate"},
    "bill_fx_saved": {"es": "Tipo de cambio registrado", "en": "Exchange rate recorded"},
    "bill_open_only": {"es": "Solo con saldo abierto", "en": "Open only"},
    "bill_credit_notes": {"es": "Notas de crédito", "en": "Credit notes"},
    "bill_payments_title": {"es": "Pagos, aplicación y reversos",
                            "en": "Payments, applications and reversals"},
    "bill_new_payment": {"es": "Registrar un pago", "en": "Record a payment"},
    "bill_payment_saved": {"es": "Pago registrado", "en": "Payment recorded"},
    "bill_apply": {"es": "Aplicar un pago a facturas", "en": "Apply a payment to invoices"},
    "bill_apply_pick": {"es": "Pago por aplicar", "en": "Payment to apply"},
    "bill_apply_summary": {"es": "Cuenta {account} · por aplicar {left} {currency}",
                           "en": "Account {account} · unapplied {left} {currency}"},
    "bill_open_of_account": {"es": "Facturas abiertas de la cuenta",
                             "en": "The account's open invoices"},
    "bill_no_open": {"es": "La cuenta no tiene facturas abiertas.",
                     "en": "The account has no open invoices."},
    "bill_applied_on_help": {"es": "Vacío: la fecha más reciente entre el pago y la factura.",
                             "en": "Empty: the later of the payment and invoice dates."},
    "bill_applied": {"es": "Pago aplicado", "en": "Payment applied"},
    "bill_reverse": {"es": "Reversar un pago", "en": "Reverse a payment"},
    "bill_reversed": {"es": "Pago reversado", "en": "Payment reversed"},
    "bill_applications": {"es": "Aplicaciones", "en": "Applications"},
    "bill_collections_title": {"es": "Acciones de cobranza", "en": "Collection actions"},
    "bill_collection_action": {"es": "Acción de cobranza", "en": "Collection action"},
    "bill_action_saved": {"es": "Acción registrada", "en": "Action recorded"},
    "bill_promise_help": {"es": "Solo para promesa de pago.", "en": "Promise to pay only."},
    "bill_overdue": {"es": "Facturas vencidas", "en": "Overdue invoices"},
    "bill_actions": {"es": "Acciones registradas", "en": "Recorded actions"},
    "opt_agent": {"es": "Agente", "en": "Agent"},
    "opt_counted": {"es": "Cuenta", "en": "Counted"},
    "opt_held": {"es": "Retenida", "en": "Held"},
    "opt_manual": {"es": "Manual", "en": "Manual"},
    "opt_call": {"es": "Llamada", "en": "Call"},
    "opt_email": {"es": "Correo", "en": "Email"},
    "opt_visit": {"es": "Visita", "en": "Visit"},
    "opt_promise_to_pay": {"es": "Promesa de pago", "en": "Promise to pay"},
    "opt_escalation": {"es": "Escalamiento", "en": "Escalation"},
})


def _previous_month_start():
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _immutable_note() -> None:
    st.caption(t("entry_immutable_note"))


# --------------------------------------------------------------------------- meter readings


def readings_page() -> None:
    st.title(t("bill_readings_title"))
    with EntryForm("lectura", t("bill_new_reading")) as f:
        st.caption(t("bill_reading_help"))
        left, right = st.columns(2)
        with left:
            serial = f.pick("serial", queries.picklist("devices", "installed"))
            read_on = f.date("read_on")
            source = f.choice("source", billing.READING_SOURCES, index=1)
        with right:
            mono = f.number("mono_counter")
            color = f.number("color_counter", value="0")
            reset = f.check("meter_reset")
    if f.submitted:
        f.save(lambda s, actor: billing.record_meter_reading(
            s, actor, serial=serial, read_on=read_on, mono_counter=mono, color_counter=color,
            source=source, meter_reset=reset),
            lambda row: success(t("bill_reading_held" if row.review_status == "held"
                                  else "bill_reading_saved"),
                                (t("entry_device"), serial), row.read_on,
                                (t("entry_mono_counter"), row.mono_counter),
                                (t("entry_color_counter"), row.color_counter)))
    with st.expander(t("bill_withdraw_reading")), \
            EntryForm("retirar-lectura", submit_label=t("entry_withdraw")) as w:
        st.caption(t("bill_withdraw_help"))
        w_serial = w.pick("serial", queries.picklist("devices"))
        w_read_on = w.date("read_on")
        w_reset = w.check("meter_reset")
    if w.submitted:
        w.save(lambda s, actor: billing.withdraw_meter_reading(
            s, actor, serial=w_serial, read_on=w_read_on, meter_reset=w_reset),
            lambda row: success(t("bill_reading_withdrawn"), (t("entry_device"), w_serial),
                                row.read_on))

    st.subheader(t("entry_latest_records"))
    records_table(queries.readings_table(search_box("lecturas-buscar")), key="lecturas-tabla",
                  limit=queries.TABLE_LIMIT, translate=("source", "review_status"))


# --------------------------------------------------------------------------- invoices


def invoices_page() -> None:
    st.title(t("bill_invoices_title"))
    _immutable_note()
    tabs = st.tabs([t("bill_new_invoice"), t("bill_credit_note"), t("bill_fx")])
    with tabs[0]:
        with EntryForm("factura") as f:
            left, right = st.columns(2)
            with left:
                number = f.text("invoice_number", placeholder="F-000001")
                contract = f.pick("contract_number", queries.picklist("contracts"))
                period = f.date("period_start", value=_previous_month_start())
                issued = f.date("issued_on")
                due = f.date("due_on", optional=True)
            with right:
                subtotal = f.money("subtotal")
                tax = f.money("tax_amount")
                total = f.money("total")
                st.caption(t("bill_total_help"))
                currency = f.choice("currency", CURRENCIES, format_func=str)
        if f.submitted:
            f.save(lambda s, actor: billing.issue_invoice(
                s, actor, invoice_number=number, contract_number=contract,
                period_start=period, issued_on=issued, due_on=due, subtotal=subtotal,
                tax_amount=tax, total=total, currency=currency),
                lambda row: success(t("bill_invoice_saved"), row.invoice_number))
    with tabs[1]:
        with EntryForm("nota-credito") as c:
            left, right = st.columns(2)
            with left:
                cn_number = c.text("credit_note_number", placeholder="NC-000001")
                invoice = c.pick("invoice_number", queries.picklist("invoices"))
                cn_issued = c.date("issued_on")
                reason = c.text("reason")
            with right:
                cn_subtotal = c.money("subtotal")
                cn_tax = c.money("tax_amount")
                cn_total = c.money("total")
        if c.submitted:
            c.save(lambda s, actor: billing.issue_credit_note(
                s, actor, credit_note_number=cn_number, invoice_number=invoice,
                issued_on=cn_issued, subtotal=cn_subtotal, tax_amount=cn_tax, total=cn_total,
                reason=reason),
                lambda row: success(t("bill_credit_saved"), row.credit_note_number))
    with tabs[2]:
        with EntryForm("tipo-cambio") as x:
            rate_date = x.date("rate_date")
            fx_currency = x.choice("currency", billing.FX_CURRENCIES, format_func=str)
            rate = x.number("mxn_per_unit", placeholder="17.250000")
        if x.submitted:
            x.save(lambda s, actor: billing.set_fx_rate(
                s, actor, rate_date=rate_date, currency=fx_currency, mxn_per_unit=rate),
                lambda row: success(t("bill_fx_saved"), row.rate_date,
                                    f"1 {row.currency} = {fmt_number(row.mxn_per_unit, 4)} MXN"))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([2, 1])
    with c1:
        text = search_box("facturas-buscar")
    with c2:
        open_only = st.checkbox(t("bill_open_only"), key="facturas-abiertas")
    records_table(queries.invoices_table(open_only, text), key="facturas-tabla",
                  limit=queries.TABLE_LIMIT)
    st.subheader(t("bill_credit_notes"))
    records_table(queries.credit_notes_table(text), key="notas-tabla", limit=queries.TABLE_LIMIT)


# --------------------------------------------------------------------------- payments


def payments_page() -> None:
    st.title(t("bill_payments_title"))
    _immutable_note()
    tabs = st.tabs([t("bill_new_payment"), t("bill_apply"), t("bill_reverse")])
    with tabs[0]:
        with EntryForm("pago") as f:
            left, right = st.columns(2)
            with left:
                number = f.text("payment_number", placeholder="P-000001")
                account = f.pick("account_code", queries.picklist("accounts"))
                received = f.date("received_on")
            with right:
                amount = f.money("amount")
                currency = f.choice("currency", CURRENCIES, format_func=str)
                method = f.text("method", placeholder="transferencia")
        if f.submitted:
            f.save(lambda s, actor: billing.record_payment(
                s, actor, payment_number=number, account_code=account, received_on=received,
                amount=amount, currency=currency, method=method),
                lambda row: success(t("bill_payment_saved"), row.payment_number))
    with tabs[1]:
        _apply_section()
    with tabs[2]:
        with EntryForm("reverso") as r:
            rev_number = r.text("reversal_number", placeholder="RV-000001")
            payment = r.pick("payment_number", queries.picklist("payments"))
            reversed_on = r.date("reversed_on")
            reason = r.text("reason")
        if r.submitted:
            r.save(lambda s, actor: billing.reverse_payment(
                s, actor, reversal_number=rev_number, payment_number=payment,
                reversed_on=reversed_on, reason=reason),
                lambda row: success(t("bill_reversed"), payment, row.reversal_number))

    st.subheader(t("entry_latest_records"))
    text = search_box("pagos-buscar")
    records_table(queries.payments_table(text), key="pagos-tabla", limit=queries.TABLE_LIMIT)
    st.subheader(t("bill_applications"))
    records_table(queries.applications_table(), key="aplicaciones-tabla",
                  limit=queries.TABLE_LIMIT)


def _apply_section() -> None:
    """Pick the payment first (outside the form) so its account's open invoices and the
    amount left to apply show before anything is typed."""
    payments = queries.picklist("payments", "unapplied")
    keys = list(payments)
    payment = st.selectbox(
        t("bill_apply_pick"), keys, index=None,
        format_func=lambda k: f"{k} · {payments[k]}" if k in payments else str(k),
        key="aplicar-pago", placeholder=t("entry_pick_placeholder"), accept_new_options=True)
    summary = queries.payment_summary(payment) if payment else None
    invoices: dict[str, str] = {}
    if summary:
        st.info(md(t("bill_apply_summary").format(
            account=summary["account_code"], left=f"{summary['unapplied_amount']:,.2f}",
            currency=summary["currency"])), icon=":material/account_balance_wallet:")
        frame = queries.open_invoices_now(summary["account_code"])
        st.caption(t("bill_open_of_account"))
        if frame.empty:
            st.caption(t("bill_no_open"))
        else:
            records_table(frame, key="aplicar-abiertas")
            invoices = {r.invoice_number: f"{r.open_amount:,.2f} {r.currency}"
                        for r in frame.itertuples()}
    with EntryForm("aplicacion") as f:
        f.labels["payment_number"] = t("bill_apply_pick")
        invoice = f.pick("invoice_number", invoices)
        amount = f.money("amount")
        applied_on = f.date("applied_on", optional=True)
        st.caption(t("bill_applied_on_help"))
    if f.submitted:
        f.save(lambda s, actor: billing.apply_payment(
            s, actor, payment_number=payment, invoice_number=invoice, amount=amount,
            applied_on=applied_on),
            lambda row: success(t("bill_applied"), f"{payment} → {invoice}",
                                fmt_money(row.amount)))


# --------------------------------------------------------------------------- collections


def collections_page() -> None:
    st.title(t("bill_collections_title"))
    with EntryForm("cobranza", t("bill_collection_action")) as f:
        left, right = st.columns(2)
        with left:
            invoice = f.pick("invoice_number", queries.picklist("invoices", "open"))
            action = f.choice("action_type", billing.COLLECTION_ACTIONS)
            action_on = f.date("action_on")
        with right:
            promised_on = f.date("promised_on", optional=True,
                                 label_text=f"{label('promised_on')} — {t('bill_promise_help')}")
            promised_amount = f.money("promised_amount")
        notes = f.text("notes", area=True)
    if f.submitted:
        f.save(lambda s, actor: billing.record_collection_action(
            s, actor, invoice_number=invoice, action_type=action, action_on=action_on,
            promised_on=promised_on, promised_amount=promised_amount, notes=notes),
            lambda row: success(t("bill_action_saved"),
                                invoice, option_label(row.action_type), row.action_on))

    st.subheader(t("bill_overdue"))
    records_table(queries.overdue_invoices(), key="vencidas-tabla", limit=queries.TABLE_LIMIT)
    st.subheader(t("bill_actions"))
    frame = queries.collections_table(search_box("cobranza-buscar"))
    if not frame.empty:
        frame["action_type"] = frame["action_type"].map(option_label)
    records_table(frame, key="cobranza-tabla", limit=queries.TABLE_LIMIT)
