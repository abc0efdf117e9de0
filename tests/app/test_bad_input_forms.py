"""The forms' half of the bad-input catalog (docs/quality-targets.md, reliability scenario 5): each
bad value, typed into the real form, gives an error naming the field by its form label, the
markup of the message stays inert, and no table of the operational DB changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from operational_app.domain import billing, fields
from operational_app.pages import queries
from operational_app.store.engine import write_session

from .app_helpers import errors_text, goto, login, row_counts
from .form_cases import assert_refused, d, dt, es_label, fill, set_widget, submit

TODAY = fields.today()


@dataclass
class Bad:
    id: str
    category: str
    page: str
    form: str
    values: dict[str, Any]
    label: str
    reason: str = ""  # a fragment of the domain's reason in Spanish, when it matters
    before: dict[str, Any] = field(default_factory=dict)
    stale_pick: tuple[str, str] | None = None  # (pick-list, key) listed but not in the DB


READING = {"serial": "SN-001", "read_on": d("2025-03-01"), "mono_counter": "2500",
           "color_counter": "900"}
ACCOUNT = {"account_code": "OMEGA-9", "name": "Omega", "tax_rate": "0.16"}
INVOICE = {"invoice_number": "F-009", "contract_number": "C-001",
           "period_start": d("2025-03-01"), "issued_on": d("2025-04-01"),
           "subtotal": "1000.00", "tax_amount": "160.00", "total": "1160.00"}
TICKET = {"ticket_number": "T-009", "contract_number": "C-001", "ticket_type": "incident",
          "opened_at": dt("2025-03-03T09:30")}

CATALOG: list[Bad] = [
    Bad("counter-not-a-number", "wrong type", "facturacion-lecturas", "lectura",
        {**READING, "mono_counter": "12a"}, es_label("mono_counter"), "número entero"),
    Bad("quantity-in-words", "wrong type", "operacion-consumibles", "consumible",
        {"request_number": "R-009", "serial": "SN-001", "item": "Tóner", "quantity": "dos",
         "requested_at": dt("2025-03-01T10:00")}, es_label("quantity"), "número entero"),
    Bad("money-with-thousands-separator", "wrong type", "facturacion-facturas", "factura",
        {**INVOICE, "subtotal": "1,000.00"}, es_label("subtotal"), "separador de miles"),
    Bad("percent-as-tax-rate", "wrong type", "ventas-cuentas", "cuenta",
        {**ACCOUNT, "tax_rate": "16"}, es_label("tax_rate"), "menor que 1"),
    Bad("negative-install-counter", "negative counter", "implementacion-equipos",
        "instalacion", {"serial": "SN-009", "contract_number": "C-001",
                        "installed_on": d("2025-02-01"), "install_mono_counter": "-1",
                        "install_color_counter": "0"},
        es_label("install_mono_counter"), "≥ 0"),
    Bad("negative-payment", "negative amount", "facturacion-pagos", "pago",
        {"payment_number": "P-009", "account_code": "ACME-001",
         "received_on": d("2025-04-02"), "amount": "-100.00"}, es_label("amount")),
    Bad("regressing-counter", "regressing counter", "facturacion-lecturas", "lectura",
        {**READING, "mono_counter": "1500"}, es_label("mono_counter"), "es menor que"),
    Bad("contract-ends-before-it-starts", "dates out of order", "formalizacion-contratos",
        "contrato", {"contract_number": "C-009", "account_code": "BETA-002",
                     "start_date": d("2025-06-01"), "end_date": d("2025-05-01"),
                     "payment_terms_days": "30"}, es_label("end_date")),
    Bad("delivered-before-requested", "dates out of order", "operacion-consumibles",
        "entrega", {"request_number": "R-001", "delivered_at": dt("2025-02-09T12:00")},
        es_label("delivered_at")),
    Bad("reading-before-install", "dates out of order", "facturacion-lecturas", "lectura",
        {**READING, "read_on": d("2024-12-31")}, es_label("read_on")),
    Bad("future-reading", "future reading", "facturacion-lecturas", "lectura",
        {**READING, "read_on": TODAY + timedelta(days=1)}, es_label("read_on"), "futuro"),
    Bad("unknown-contract", "unknown key", "operacion-tickets", "ticket",
        {**TICKET, "contract_number": "C-999"}, es_label("contract_number"),
        "no existe el contrato", stale_pick=("contracts", "C-999")),
    Bad("unknown-serial", "unknown key", "facturacion-lecturas", "lectura",
        {**READING, "serial": "SN-999"}, es_label("serial"), "no existe el equipo",
        stale_pick=("devices", "SN-999")),
    Bad("duplicate-account", "duplicate", "ventas-cuentas", "cuenta",
        {**ACCOUNT, "account_code": "ACME-001"}, es_label("account_code"), "ya existe"),
    Bad("duplicate-invoice", "duplicate", "facturacion-facturas", "factura",
        {**INVOICE, "invoice_number": "F-001"}, es_label("invoice_number"), "ya existe"),
    Bad("duplicate-reading", "duplicate", "facturacion-lecturas", "lectura",
        {**READING, "read_on": d("2025-02-01"), "mono_counter": "2000",
         "color_counter": "800"}, es_label("read_on"), "ya existe"),
    Bad("application-over-unapplied", "over-payment", "facturacion-pagos", "aplicacion",
        {"invoice_number": "F-001", "amount": "600.00"}, es_label("amount"),
        "por aplicar", before={"aplicar-pago": "P-001"}),
    Bad("application-over-open-amount", "over-payment", "facturacion-pagos", "aplicacion",
        {"invoice_number": "F-001", "amount": "1200.00"}, es_label("amount"),
        "saldo abierto", before={"aplicar-pago": "P-BIG"}),
    Bad("credit-note-over-invoice", "over-payment", "facturacion-facturas", "nota-credito",
        {"credit_note_number": "NC-009", "invoice_number": "F-001",
         "issued_on": d("2025-03-10"), "subtotal": "1100.00", "tax_amount": "176.00",
         "total": "1276.00"}, es_label("total"), "excede"),
    Bad("unbalanced-invoice", "unbalanced totals", "facturacion-facturas", "factura",
        {**INVOICE, "total": "1170.00"}, es_label("total"), "no cuadran"),
    Bad("formula-in-account-name", "formula injection", "ventas-cuentas", "cuenta",
        {**ACCOUNT, "name": "=cmd|' /C calc'!A0"}, es_label("name"), "fórmula"),
    Bad("formula-in-ticket-description", "formula injection", "operacion-tickets", "ticket",
        {**TICKET, "description": "+SUM(A1:A9)"}, es_label("description"), "fórmula"),
    Bad("formula-in-review-outcome", "formula injection", "renovacion-contratos", "revision",
        {"contract_number": "C-001", "review_on": d("2025-12-01"),
         "outcome": "@HYPERLINK(\"http://x\")"}, es_label("outcome"), "fórmula"),
    Bad("script-in-account-name", "HTML/script in text", "ventas-cuentas", "cuenta",
        {**ACCOUNT, "name": "<script>alert(1)</script>"}, es_label("name"), "marcas HTML"),
    Bad("html-in-collection-notes", "HTML/script in text", "facturacion-cobranza", "cobranza",
        {"invoice_number": "F-001", "action_type": "call", "action_on": d("2025-04-05"),
         "notes": "ok <img src=x onerror=alert(1)>"}, es_label("notes"), "marcas HTML"),
    Bad("html-in-step-notes", "HTML/script in text", "formalizacion-aprobaciones", "decision",
        {"step": "legal_review", "decision": "approved", "decided_on": d("2025-03-02"),
         "notes": "</textarea><b>aprobado</b>"}, es_label("notes"), "marcas HTML",
        before={"aprobacion-contrato": "C-002"}),
    Bad("rfc-malformed", "wrong format", "ventas-cuentas", "cuenta",
        {**ACCOUNT, "tax_id": "NO-ES-RFC"}, es_label("tax_id"), "RFC"),
]


def _stale_pick(monkeypatch: pytest.MonkeyPatch, name: str, key: str) -> None:
    """A pick-list that lists a key the DB does not have (a key typed into the search box,
    or a list from before a restore): the domain must still refuse it."""
    original = queries.PICKERS[name]
    monkeypatch.setitem(queries.PICKERS, name,
                        lambda s, arg: {**original(s, arg), key: "(no existe)"})


def _big_payment() -> None:
    with write_session() as s:
        billing.record_payment(s, "admin", payment_number="P-BIG", account_code="ACME-001",
                               received_on="2025-03-20", amount="5000.00", currency="MXN")


def test_catalog_covers_the_categories_the_spec_names():
    wanted = {"wrong type", "negative counter", "regressing counter", "dates out of order",
              "unknown key", "duplicate", "over-payment", "unbalanced totals",
              "formula injection", "HTML/script in text", "future reading"}
    assert wanted <= {b.category for b in CATALOG}
    assert len(CATALOG) >= 12


@pytest.mark.parametrize("bad", CATALOG, ids=[b.id for b in CATALOG])
def test_bad_input_is_refused_naming_the_field(app_home, monkeypatch, bad: Bad) -> None:
    if bad.stale_pick:
        _stale_pick(monkeypatch, *bad.stale_pick)
    if bad.before.get("aplicar-pago") == "P-BIG":
        _big_payment()
    at = login("admin")
    goto(at, bad.page)
    for key, value in bad.before.items():
        set_widget(at, key, value)
        at.run()
    before = row_counts()
    fill(at, bad.form, bad.values)
    submit(at, bad.form)
    assert_refused(at, bad.label, before)
    raw = errors_text(at)
    if bad.reason:
        assert bad.reason in raw.replace("\\", ""), raw
    # the message is markdown: whatever the user typed stays text (every < > [ ] escaped)
    assert not re.search(r"(?<!\\)[<>\[\]]", raw), raw
