"""Stage 6: reviews, renewals, amendments, closures."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from operational_app.domain import billing, renewal
from operational_app.store.models import AuditLog, Renewal

from .conftest import ACTOR, refused


def test_review(mk, session):
    mk.world()
    r = renewal.record_review(session, ACTOR, contract_number="C1", review_on="2027-09-01",
                              outcome="renew", notes="buen desempeño\nrenovar 36 meses")
    assert r.notes.count("\n") == 1
    refused(session, renewal.record_review, "review_on", "already exists",
            contract_number="C1", review_on="2027-09-01", outcome="renew")
    refused(session, renewal.record_review, "outcome", "required",
            contract_number="C1", review_on="2027-09-02", outcome="")
    refused(session, renewal.record_review, "review_on", "contract start",
            contract_number="C1", review_on="2025-09-02", outcome="renew")


def test_renewal_moves_the_end_date_with_audit(mk, session):
    contract = mk.world()
    row = renewal.renew_contract(session, ACTOR, contract_number="C1", renewed_on="2027-11-15",
                                 new_end_date="2030-12-31")
    assert (row.previous_end_date, row.new_end_date) == (date(2027, 12, 31), date(2030, 12, 31))
    assert contract.end_date == date(2030, 12, 31)
    audit = session.scalars(select(AuditLog).where(AuditLog.entity == "contracts",
                                                   AuditLog.action == "update")).all()[-1]
    assert json.loads(audit.before_json)["end_date"] == "2027-12-31"
    assert json.loads(audit.after_json)["end_date"] == "2030-12-31"
    refused(session, renewal.renew_contract, "new_end_date", "current end date",
            contract_number="C1", renewed_on="2030-11-15", new_end_date="2030-12-31")
    assert len(session.scalars(select(Renewal)).all()) == 1


def test_amendments(mk, session):
    mk.world()
    a = renewal.amend_contract(session, ACTOR, amendment_number="AM1", contract_number="C1",
                               amended_on="2026-05-01", amendment_type="devices_added",
                               devices_delta="3")
    assert a.devices_delta == 3
    base = {"contract_number": "C1", "amended_on": "2026-05-01"}
    refused(session, renewal.amend_contract, "amendment_number", "already exists",
            amendment_number="AM1", **base, amendment_type="price_change")
    refused(session, renewal.amend_contract, "devices_delta", "negative",
            amendment_number="AM2", **base, amendment_type="devices_removed", devices_delta=2)
    refused(session, renewal.amend_contract, "devices_delta", "positive",
            amendment_number="AM2", **base, amendment_type="devices_added")
    refused(session, renewal.amend_contract, "devices_delta", "0",
            amendment_number="AM2", **base, amendment_type="price_change", devices_delta=1)
    refused(session, renewal.amend_contract, "amendment_type", "price_change",
            amendment_number="AM2", **base, amendment_type="upgrade")
    refused(session, renewal.amend_contract, "amended_on", "within the contract",
            amendment_number="AM2", contract_number="C1", amended_on="2028-01-01",
            amendment_type="price_change")


def test_close_contract_once_within_its_term(mk, session):
    contract = mk.world()
    base = {"contract_number": "C1", "reason": "cambio de proveedor"}
    refused(session, renewal.close_contract, "closed_on", "within the contract",
            **base, closed_on="2028-01-01")
    refused(session, renewal.close_contract, "closed_on", "activation",
            **base, closed_on="2026-01-04")
    refused(session, renewal.close_contract, "devices_retrieved", "more than the 1",
            **base, closed_on="2026-06-30", devices_retrieved=2)
    refused(session, renewal.close_contract, "reason", "required",
            contract_number="C1", reason="", closed_on="2026-06-30")
    closure = renewal.close_contract(session, ACTOR, **base, closed_on="2026-06-30",
                                     devices_retrieved=1)
    assert closure.devices_retrieved == 1 and contract.closed_on == date(2026, 6, 30)
    refused(session, renewal.close_contract, "contract_number", "was closed on 2026-06-30",
            **base, closed_on="2026-06-30")
    refused(session, renewal.renew_contract, "contract_number", "closed",
            contract_number="C1", renewed_on="2026-07-01", new_end_date="2030-01-01")
    # billing stops at the closure month
    refused(session, billing.issue_invoice, "period_start", "billable months",
            invoice_number="F1", contract_number="C1", period_start="2026-07-01",
            issued_on="2026-08-01", subtotal="1", tax_amount="0", total="1", currency="MXN")
