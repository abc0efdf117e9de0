"""Every entry form, through the real app: good values save (confirmation naming the business
key, the row in the DB); a bad value is refused with an error naming the field by its form
label, and no table changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from operational_app.domain import fields, formalization
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import (
    Account,
    Amendment,
    Closure,
    CollectionAction,
    ConsumableRequest,
    Contract,
    ContractReview,
    CreditNote,
    Device,
    DeviceEvent,
    FormalizationStep,
    FxRate,
    ImplementationMilestone,
    ImplementationPlan,
    Invoice,
    MaintenancePlan,
    MaintenanceVisit,
    MeterReading,
    Opportunity,
    Payment,
    PaymentApplication,
    PaymentReversal,
    PricePlan,
    PriceTier,
    Proposal,
    Renewal,
    SlaTerm,
    Ticket,
)

from .app_helpers import goto, login, row_counts, success_text
from .form_cases import (
    FormCase,
    assert_refused,
    assert_saved,
    d,
    dt,
    es_label,
    exists,
    run_case_values,
)

TODAY = fields.today()


def _approve_all(contract: str = "C-002") -> None:
    with write_session() as s:
        for step in formalization.REQUIRED_STEPS:
            formalization.decide_formalization_step(s, "admin", contract_number=contract,
                                                    step=step, decision="approved",
                                                    decided_on="2025-03-02")


def _milestone() -> None:
    from operational_app.domain import implementation

    with write_session() as s:
        implementation.record_milestone(s, "admin", contract_number="C-001",
                                        milestone="software_configured", done_on="2025-01-12")


def _attr(model, key_col: str, key: str, attr: str, expected):
    def check(s):
        row = s.scalars(select(model).where(getattr(model, key_col) == key)).first()
        return row is not None and getattr(row, attr) == expected
    return check


CASES: list[FormCase] = [
    # 1 sales
    FormCase("account", "ventas-cuentas", "cuenta",
             {"account_code": "GAMMA-003", "name": "Gamma Impresiones", "tax_rate": "0.16",
              "tax_id": "GAM010101AB1"},
             exists(Account, account_code="GAMMA-003"), "GAMMA-003",
             {"tax_rate": "16"}, es_label("tax_rate")),
    FormCase("opportunity", "ventas-oportunidades", "oportunidad",
             {"opportunity_code": "OP-003", "account_code": "ACME-001",
              "estimated_amount": "1000.50", "created_on": d("2025-05-01")},
             exists(Opportunity, opportunity_code="OP-003"), "OP-003",
             {"estimated_amount": "-5"}, es_label("estimated_amount")),
    FormCase("opportunity-stage", "ventas-oportunidades", "etapa",
             {"opportunity_code": "OP-002", "to_stage": "qualified",
              "changed_on": d("2025-02-10")},
             _attr(Opportunity, "opportunity_code", "OP-002", "stage", "qualified"), "OP-002",
             {"to_stage": "lost"}, es_label("lost_reason")),
    FormCase("proposal", "ventas-propuestas", "propuesta",
             {"proposal_code": "PR-002", "opportunity_code": "OP-002",
              "proposed_on": d("2025-02-20"), "price": "40000.00", "cost": "25000.00",
              "lines[1].line_type": "equipment", "lines[1].description": "Multifuncional",
              "lines[1].quantity": "2", "lines[1].unit_price": "20000.00",
              "lines[1].unit_cost": "12500.00"},
             exists(Proposal, proposal_code="PR-002"), "PR-002",
             {"lines[1].quantity": "0"}, "Partida 1 · Cantidad"),
    FormCase("proposal-status", "ventas-propuestas", "decision-propuesta",
             {"proposal_code": "PR-001", "status": "sent"},
             _attr(Proposal, "proposal_code", "PR-001", "status", "sent"), "PR-001",
             {"status": "sent"}, es_label("status")),
    FormCase("proposal-withdraw", "ventas-propuestas", "retirar-propuesta",
             {"proposal_code": "PR-001"},
             lambda s: s.scalars(select(Proposal.deleted_at).where(
                 Proposal.proposal_code == "PR-001")).first() is not None, "PR-001",
             {"proposal_code": "PR-001"}, es_label("proposal_code")),
    # 2 formalization
    FormCase("contract", "formalizacion-contratos", "contrato",
             {"contract_number": "C-003", "account_code": "BETA-002",
              "start_date": d("2025-06-01"), "end_date": d("2028-05-31"),
              "payment_terms_days": "30"},
             exists(Contract, contract_number="C-003"), "C-003",
             {"end_date": d("2025-05-01")}, es_label("end_date")),
    FormCase("price-plan", "formalizacion-contratos", "plan",
             {"contract_number": "C-002", "effective_from": d("2025-06-01"),
              "fixed_monthly_fee": "2500.00", "included_mono_pages": "6000",
              "included_color_pages": "0", "mono_rate": "0.28", "color_rate": "0"},
             lambda s: s.scalar(select(PricePlan.id).join(Contract).where(
                 Contract.contract_number == "C-002",
                 PricePlan.effective_from == d("2025-06-01"))) is not None, "C-002",
             {"effective_from": d("2025-06-15")}, es_label("effective_from")),
    FormCase("price-tier", "formalizacion-contratos", "escalon",
             {"contract_number": "C-001", "effective_from": d("2025-01-01"), "meter": "mono",
              "from_page": "20000", "rate": "0.20"},
             lambda s: s.scalar(select(PriceTier.id).where(PriceTier.from_page == 20000))
             is not None, "C-001",
             {"from_page": "veinte mil"}, es_label("from_page")),
    FormCase("sla", "formalizacion-contratos", "sla",
             {"contract_number": "C-001", "effective_from": d("2025-01-01"),
              "response_hours": "4", "resolution_hours": "8", "uptime_target_pct": "98"},
             lambda s: s.scalar(select(SlaTerm.id)) is not None, "C-001",
             {"resolution_hours": "2"}, es_label("resolution_hours")),
    FormCase("step-decision", "formalizacion-aprobaciones", "decision",
             {"step": "legal_review", "decision": "approved", "decided_on": d("2025-03-02"),
              "notes": "Revisado por jurídico"},
             lambda s: s.scalar(select(FormalizationStep.id).join(Contract).where(
                 Contract.contract_number == "C-002")) is not None, "C-002",
             {"notes": "<script>alert(1)</script>"}, es_label("notes"),
             before={"aprobacion-contrato": "C-002"}),
    FormCase("activation", "formalizacion-aprobaciones", "activacion",
             {"activated_on": d("2025-03-05")},
             _attr(Contract, "contract_number", "C-002", "activated_on", d("2025-03-05")),
             "C-002",
             {"activated_on": d("2025-02-01")}, es_label("activated_on"),
             before={"aprobacion-contrato": "C-002"}, setup=_approve_all),
    # 3 implementation
    FormCase("implementation-plan", "implementacion-planes", "plan-impl",
             {"contract_number": "C-001", "planned_on": d("2025-01-06"),
              "planned_go_live": d("2025-01-30")},
             lambda s: s.scalar(select(ImplementationPlan.id)) is not None, "C-001",
             {"planned_go_live": d("2025-01-01")}, es_label("planned_go_live")),
    FormCase("milestone", "implementacion-planes", "hito",
             {"contract_number": "C-001", "milestone": "software_configured",
              "done_on": d("2025-01-12")},
             lambda s: s.scalar(select(ImplementationMilestone.id)) is not None, "C-001",
             {"done_on": d("2024-12-01")}, es_label("done_on")),
    FormCase("install", "implementacion-equipos", "instalacion",
             {"serial": "SN-010", "contract_number": "C-001", "installed_on": d("2025-02-01"),
              "install_mono_counter": "150", "install_color_counter": "20",
              "model": "MX-7000", "is_color": True},
             exists(Device, serial="SN-010"), "SN-010",
             {"install_mono_counter": "-1"}, es_label("install_mono_counter")),
    FormCase("remove", "implementacion-equipos", "retiro",
             {"serial": "SN-002", "removed_on": TODAY},
             _attr(Device, "serial", "SN-002", "removed_on", TODAY), "SN-002",
             {"removed_on": d("2025-01-01")}, es_label("removed_on")),
    # 4 operation
    FormCase("ticket", "operacion-tickets", "ticket",
             {"ticket_number": "T-002", "contract_number": "C-001", "serial": "SN-001",
              "ticket_type": "incident", "opened_at": dt("2025-03-03T09:30"),
              "description": "Atasco de papel en bandeja 2"},
             exists(Ticket, ticket_number="T-002"), "T-002",
             {"ticket_number": "T-001"}, es_label("ticket_number")),
    FormCase("ticket-respond", "operacion-tickets", "ticket-accion",
             {"ticket_number": "T-001", "action": "respond", "when": dt("2025-02-03T11:00")},
             lambda s: s.scalar(select(Ticket.first_response_at).where(
                 Ticket.ticket_number == "T-001")) == dt("2025-02-03T11:00"), "T-001",
             {"when": dt("2025-02-03T08:00")}, "Fecha y hora"),
    FormCase("visit", "operacion-mantenimiento", "visita",
             {"visit_code": "V-002", "serial": "SN-001", "due_on": d("2025-07-01")},
             exists(MaintenanceVisit, visit_code="V-002"), "V-002",
             {"due_on": d("2024-07-01")}, es_label("due_on")),
    FormCase("visit-done", "operacion-mantenimiento", "visita-hecha",
             {"visit_code": "V-001", "done_on": d("2025-03-28")},
             _attr(MaintenanceVisit, "visit_code", "V-001", "done_on", d("2025-03-28")),
             "V-001",
             {"done_on": d("2024-12-28")}, es_label("done_on")),
    FormCase("maintenance-plan", "operacion-mantenimiento", "plan-mant",
             {"serial": "SN-001", "interval_months": "3", "starts_on": d("2025-02-01")},
             lambda s: s.scalar(select(MaintenancePlan.id)) is not None, "SN-001",
             {"interval_months": "0"}, es_label("interval_months")),
    FormCase("consumable", "operacion-consumibles", "consumible",
             {"request_number": "R-002", "serial": "SN-001", "item": "Tóner cian",
              "quantity": "1", "requested_at": dt("2025-03-01T10:00")},
             exists(ConsumableRequest, request_number="R-002"), "R-002",
             {"quantity": "dos"}, es_label("quantity")),
    FormCase("delivery", "operacion-consumibles", "entrega",
             {"request_number": "R-001", "delivered_at": dt("2025-02-11T12:00")},
             lambda s: s.scalar(select(ConsumableRequest.delivered_at).where(
                 ConsumableRequest.request_number == "R-001")) is not None, "R-001",
             {"delivered_at": dt("2025-02-09T12:00")}, es_label("delivered_at")),
    FormCase("device-event", "operacion-monitoreo", "evento",
             {"serial": "SN-001", "event_type": "down", "event_at": dt("2025-03-01T08:15")},
             lambda s: s.scalar(select(DeviceEvent.id)) is not None, "SN-001",
             {"event_at": dt("2024-03-01T08:15")}, es_label("event_at")),
    # 5 billing
    FormCase("reading", "facturacion-lecturas", "lectura",
             {"serial": "SN-001", "read_on": d("2025-03-01"), "mono_counter": "2500",
              "color_counter": "900"},
             exists(MeterReading, read_on=d("2025-03-01")), "SN-001",
             {"mono_counter": "1500"}, es_label("mono_counter")),
    FormCase("invoice", "facturacion-facturas", "factura",
             {"invoice_number": "F-002", "contract_number": "C-001",
              "period_start": d("2025-03-01"), "issued_on": d("2025-04-01"),
              "due_on": d("2025-05-01"), "subtotal": "1000.00", "tax_amount": "160.00",
              "total": "1160.00"},
             exists(Invoice, invoice_number="F-002"), "F-002",
             {"total": "1170.00"}, es_label("total")),
    FormCase("credit-note", "facturacion-facturas", "nota-credito",
             {"credit_note_number": "NC-001", "invoice_number": "F-001",
              "issued_on": d("2025-03-10"), "subtotal": "100.00", "tax_amount": "16.00",
              "total": "116.00", "reason": "Ajuste de lecturas"},
             exists(CreditNote, credit_note_number="NC-001"), "NC-001",
             {"subtotal": "1000.00", "tax_amount": "200.00", "total": "1200.00"},
             es_label("total")),
    FormCase("fx-rate", "facturacion-facturas", "tipo-cambio",
             {"rate_date": d("2025-03-10"), "mxn_per_unit": "17.250000"},
             lambda s: s.scalar(select(FxRate.id)) is not None, "USD",
             {"mxn_per_unit": "-1"}, es_label("mxn_per_unit")),
    FormCase("payment", "facturacion-pagos", "pago",
             {"payment_number": "P-002", "account_code": "ACME-001",
              "received_on": d("2025-04-02"), "amount": "300.00", "method": "transferencia"},
             exists(Payment, payment_number="P-002"), "P-002",
             {"amount": "0"}, es_label("amount")),
    FormCase("apply-payment", "facturacion-pagos", "aplicacion",
             {"invoice_number": "F-001", "amount": "500.00"},
             lambda s: s.scalar(select(PaymentApplication.id)) is not None, "P-001",
             {"amount": "600.00"}, es_label("amount"),
             before={"aplicar-pago": "P-001"}),
    FormCase("reverse-payment", "facturacion-pagos", "reverso",
             {"reversal_number": "RV-001", "payment_number": "P-001",
              "reversed_on": d("2025-03-20"), "reason": "Cheque sin fondos"},
             exists(PaymentReversal, reversal_number="RV-001"), "RV-001",
             {"reason": ""}, es_label("reason")),
    FormCase("collection", "facturacion-cobranza", "cobranza",
             {"invoice_number": "F-001", "action_type": "promise_to_pay",
              "action_on": d("2025-04-05"), "promised_on": d("2025-04-20"),
              "promised_amount": "660.00"},
             lambda s: s.scalar(select(CollectionAction.id)) is not None, "F-001",
             {"promised_amount": ""}, es_label("promised_amount")),
    FormCase("reading-withdraw", "facturacion-lecturas", "retirar-lectura",
             {"serial": "SN-001", "read_on": d("2025-02-01")},
             lambda s: s.scalars(select(MeterReading.deleted_at).where(
                 MeterReading.read_on == d("2025-02-01"))).first() is not None, "SN-001",
             {"read_on": d("2025-01-15")}, es_label("read_on")),
    FormCase("milestone-withdraw", "implementacion-planes", "retirar-hito",
             {"contract_number": "C-001", "milestone": "software_configured"},
             lambda s: s.scalars(select(ImplementationMilestone.deleted_at)).first()
             is not None, "C-001",
             {"milestone": "training_given"}, es_label("milestone"), setup=_milestone),
    # 6 renewal
    FormCase("review", "renovacion-contratos", "revision",
             {"contract_number": "C-001", "review_on": d("2025-12-01"), "outcome": "renovar"},
             lambda s: s.scalar(select(ContractReview.id)) is not None, "C-001",
             {"outcome": "=cmd|' /C calc'!A0"}, es_label("outcome")),
    FormCase("renew", "renovacion-contratos", "renovacion",
             {"contract_number": "C-001", "renewed_on": TODAY,
              "new_end_date": d("2029-12-31")},
             lambda s: s.scalar(select(Renewal.id)) is not None, "C-001",
             {"new_end_date": d("2026-12-31")}, es_label("new_end_date")),
    FormCase("amend", "renovacion-contratos", "adenda",
             {"amendment_number": "AD-001", "contract_number": "C-001",
              "amended_on": d("2025-06-01"), "amendment_type": "devices_added",
              "devices_delta": "2"},
             exists(Amendment, amendment_number="AD-001"), "AD-001",
             {"devices_delta": "-1"}, es_label("devices_delta")),
    FormCase("close", "renovacion-contratos", "cierre",
             {"contract_number": "C-001", "closed_on": TODAY, "reason": "cambio de proveedor",
              "devices_retrieved": "2"},
             lambda s: s.scalar(select(Closure.id)) is not None, "C-001",
             {"devices_retrieved": "5"}, es_label("devices_retrieved")),
]

# Forms whose bad variant only fails once the good one is in (a second, conflicting move).
AFTER_GOOD = {"proposal-status", "proposal-withdraw"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_form_saves_good_and_refuses_bad(app_home, case: FormCase) -> None:
    if case.setup:
        case.setup()
    at = login("admin")
    if case.id not in AFTER_GOOD:
        before = row_counts()
        run_case_values(at, case, {**case.good, **case.bad})
        assert_refused(at, case.bad_label, before)
    run_case_values(at, case, case.good)
    assert_saved(at, case)
    if case.id in AFTER_GOOD:
        before = row_counts()
        run_case_values(at, case, {**case.good, **case.bad})
        assert_refused(at, case.bad_label, before)


def test_every_entry_page_has_a_form_case() -> None:
    from operational_app.pages import ENTRY_PAGES

    covered = {c.page for c in CASES}
    stage_pages = {p.key for p in ENTRY_PAGES if p.stage}
    assert stage_pages <= covered, stage_pages - covered


def test_success_clears_the_form(app_home) -> None:
    case = next(c for c in CASES if c.id == "account")
    at = login("comercial")
    run_case_values(at, case, case.good)
    assert_saved(at, case)
    assert at.text_input(key="cuenta-account_code").value == ""


def test_refused_form_keeps_what_was_typed(app_home) -> None:
    case = next(c for c in CASES if c.id == "reading")
    at = login("operacion")
    run_case_values(at, case, {**case.good, **case.bad})
    assert at.error
    assert at.text_input(key="lectura-mono_counter").value == "1500"


def test_writes_are_stamped_with_the_signed_in_user(app_home) -> None:
    case = next(c for c in CASES if c.id == "reading")
    at = login("operacion")
    run_case_values(at, case, case.good)
    assert_saved(at, case)
    from operational_app.store.engine import read_session
    from operational_app.store.models import AuditLog

    with read_session() as s:
        reading = s.scalars(select(MeterReading).where(
            MeterReading.read_on == d("2025-03-01"))).one()
        assert reading.created_by == "operacion"
        who = s.scalars(select(AuditLog.username).where(
            AuditLog.entity == "meter_readings").order_by(AuditLog.id.desc())).first()
        assert who == "operacion"



@pytest.mark.parametrize(("page", "form", "field", "key", "model", "column"), [
    ("operacion-tickets", "retirar-ticket", "ticket_number", "T-001", Ticket,
     "ticket_number"),
    ("operacion-mantenimiento", "retirar-visita", "visit_code", "V-001", MaintenanceVisit,
     "visit_code"),
    ("operacion-consumibles", "retirar-solicitud", "request_number", "R-001",
     ConsumableRequest, "request_number"),
])
def test_withdraw_a_mistaken_record(app_home, page, form, field, key, model, column):
    """Operational records entered by mistake are withdrawn (soft delete: the warehouse sees
    the deletion); they leave the pick-lists and tables."""
    from .form_cases import fill, submit

    at = login("operacion")
    goto(at, page)
    fill(at, form, {field: key})
    submit(at, form)
    assert key in success_text(at).replace("\\", "")
    with read_session() as s:
        row = s.scalars(select(model).where(getattr(model, column) == key)).one()
        assert row.deleted_at is not None and row.deleted_by == "operacion"
    assert not any(o.startswith(key) for o in at.selectbox(key=f"{form}-{field}").options)
