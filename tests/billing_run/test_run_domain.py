"""The billing run's rules on a small synthetic store (docs/billing-run.md): drafts equal the
charge line by line, regeneration replaces only changed drafts, posting takes gap-less
folios, adjustments never edit a posted invoice, exclusions keep their reason, and every
refusal writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from operational_app.domain import billing_run, fields
from operational_app.domain.billing_run import RunRefused
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import (
    AuditLog,
    Contract,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceDraft,
    InvoiceDraftLine,
    InvoiceLine,
)
from tests.billing_run.conftest import PERIOD, charge, sql, table_counts

TODAY = date(2026, 12, 3)
ISSUE = date(2026, 11, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "today", lambda: TODAY)


def bill(url: str, charges: dict, *, post: bool = False, actor: str = "finanzas",
         period=PERIOD, issue_date=ISSUE) -> billing_run.RunReport:
    with write_session(url) as s:
        return billing_run.run(s, actor, period=period, charges=charges, post=post,
                               issue_date=issue_date)


def charges_of(*items) -> dict:
    return {c.contract_number: c for c in items}


def test_drafts_carry_the_charge_lines_and_taxes_exactly(synthetic) -> None:
    url, numbers = synthetic
    c = charge(numbers[0], fee="1000.05", mono_pages=2300, mono_rate="0.123")
    report = bill(url, charges_of(c))
    assert report.counts() == {"drafted": 1}
    with read_session(url) as s:
        [(draft, number, lines)] = billing_run.drafts_of(s, PERIOD)
        s.expunge_all()  # read after the session: detached, attributes loaded
    assert number == numbers[0] and draft.status == "draft"
    assert (draft.subtotal, draft.tax_amount, draft.total) == (c.subtotal, c.tax_amount, c.total)
    assert [(ln.kind, ln.meter, ln.tier_from_page, ln.quantity, ln.unit_price, ln.amount)
            for ln in lines] == [(x.kind, x.meter, x.tier_from_page, x.quantity, x.unit_price,
                                  x.amount) for x in c.lines]
    # 1000.05 + 282.90 = 1282.95; tax round(1282.95 × 0.16) = 205.27 = 160.008 + 45.264 split
    assert c.subtotal == Decimal("1282.95") and c.tax_amount == Decimal("205.27")
    assert [ln.tax_amount for ln in lines] == [Decimal("160.01"), Decimal("45.26")]
    assert "2,300" not in lines[1].description and "octubre 2026" in lines[1].description


def test_regenerate_replaces_only_the_changed_draft(synthetic) -> None:
    url, numbers = synthetic
    a, b = charge(numbers[0], mono_pages=500), charge(numbers[1], mono_pages=800)
    bill(url, charges_of(a, b))
    with read_session(url) as s:
        before = {n: d.id for d, n, _ in billing_run.drafts_of(s, PERIOD)}
    b2 = charge(numbers[1], mono_pages=900)  # a late reading added 100 pages
    report = bill(url, charges_of(a, b2))
    assert report.counts() == {"unchanged": 1, "regenerated": 1}
    with read_session(url) as s:
        after = {n: (d.id, d.subtotal) for d, n, _ in billing_run.drafts_of(s, PERIOD)}
        replaced = s.get(InvoiceDraft, before[numbers[1]])
        s.expunge_all()
    assert after[numbers[0]][0] == before[numbers[0]]  # left as it was
    assert after[numbers[1]][0] != before[numbers[1]] and after[numbers[1]][1] == b2.subtotal
    assert replaced.deleted_at is not None and replaced.deleted_by == "finanzas"


def test_post_numbers_gap_less_sets_due_dates_and_twice_creates_nothing(synthetic) -> None:
    url, numbers = synthetic
    charges = charges_of(*(charge(n, mono_pages=100 * i) for i, n in enumerate(numbers)))
    report = bill(url, charges, post=True)
    assert report.count("posted") == len(numbers)
    with read_session(url) as s:
        invoices = list(s.scalars(select(Invoice).order_by(Invoice.folio)))
        terms = {c.id: c.payment_terms_days for c in s.scalars(select(Contract))}
        drafts = list(s.scalars(select(InvoiceDraft)))
        s.expunge_all()
    assert [i.folio for i in invoices] == list(range(1, len(numbers) + 1))
    assert [i.invoice_number for i in invoices] == [f"F{i.folio}" for i in invoices]
    assert all(i.origin == "billing_run" and i.series == "F" for i in invoices)
    assert all(i.issued_on == ISSUE and (i.due_on - ISSUE).days == terms[i.contract_id]
               for i in invoices)
    assert all(d.status == "posted" and d.posted_by == "finanzas" for d in drafts)
    counts = table_counts(url)
    again = bill(url, charges, post=True)
    assert again.counts() == {}
    assert table_counts(url) == counts  # nothing new at all, not even an audit row


def test_adjust_up_is_an_invoice_and_down_a_credit_note_against_the_posted_one(synthetic
                                                                               ) -> None:
    url, numbers = synthetic
    up, down = charge(numbers[0], mono_pages=1000), charge(numbers[1], mono_pages=1000)
    bill(url, charges_of(up, down), post=True)
    up2, down2 = charge(numbers[0], mono_pages=1250), charge(numbers[1], mono_pages=400)
    report = bill(url, charges_of(up2, down2), post=True, issue_date=date(2026, 11, 20))
    assert report.count("posted") == 2
    with read_session(url) as s:
        first = {i.contract_id: i for i in s.scalars(select(Invoice).where(
            Invoice.adjusts_invoice_id.is_(None)))}
        extra = s.scalars(select(Invoice).where(Invoice.adjusts_invoice_id.is_not(None))).one()
        note = s.scalars(select(CreditNote)).one()
        note_lines = list(s.scalars(select(CreditNoteLine)))
        extra_lines = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == extra.id)))
        credited = s.get(Invoice, note.invoice_id)
        s.expunge_all()
    # up: 1250 × 0.12 − 1000 × 0.12 = 30.00 more; down: 120.00 − 48.00 = 72.00 less
    assert extra.subtotal == Decimal("30.00") and extra.tax_amount == Decimal("4.80")
    assert extra.adjusts_invoice_id == first[extra.contract_id].id
    assert [(ln.kind, ln.amount) for ln in extra_lines] == [("adjustment", Decimal("30.00"))]
    assert note.subtotal == Decimal("72.00") and note.series == "NC" and note.folio == 1
    assert [(ln.kind, ln.amount, ln.tax_amount) for ln in note_lines] == [
        ("adjustment", Decimal("72.00"), Decimal("11.52"))]
    assert credited.invoice_number == first[credited.contract_id].invoice_number
    assert extra.folio == len(first) + 1  # the same gap-less invoice series
    # the posted invoices are as they were; the period now nets to the charges
    assert first[extra.contract_id].subtotal == up.subtotal
    net = {n: Decimal(v) for n, v in sql(url, """
        select c.contract_number, sum(i.subtotal) - coalesce((select sum(n.subtotal)
          from credit_notes n join invoices j on j.id = n.invoice_id
          where j.contract_id = c.id), 0)
        from invoices i join contracts c on c.id = i.contract_id group by c.id""")}
    assert net[numbers[0]] == up2.subtotal and net[numbers[1]] == down2.subtotal
    # and a third run proposes nothing more
    assert bill(url, charges_of(up2, down2), post=True).counts() == {}


def test_exclusion_keeps_its_reason_and_lifting_it_bills_the_contract(synthetic) -> None:
    url, numbers = synthetic
    charges = charges_of(charge(numbers[0]), charge(numbers[1]))
    bill(url, charges)  # drafted, then excluded: the draft goes
    with write_session(url) as s:
        billing_run.exclude(s, "finanzas", contract_number=numbers[1], period="2026-10",
                            reason="Cliente en disputa")
    report = bill(url, charges, post=True)
    assert report.counts() == {"posted": 1, "excluded": 1}
    assert [i.note for i in report.items if i.action == "excluded"] == ["Cliente en disputa"]
    with read_session(url) as s:
        assert billing_run.exclusions_of(s, PERIOD) == [(numbers[1], "Cliente en disputa",
                                                        "finanzas")]
        live = [n for d, n, _ in billing_run.drafts_of(s, PERIOD)]
    assert live == [numbers[0]]
    with pytest.raises(ValidationError, match="already excluded"):
        with write_session(url) as s:
            billing_run.exclude(s, "finanzas", contract_number=numbers[1], period="2026-10",
                                reason="otra vez")
    with write_session(url) as s:
        billing_run.lift_exclusion(s, "finanzas", contract_number=numbers[1], period="2026-10")
    assert bill(url, charges, post=True).counts() == {"posted": 1}


def test_a_draft_keeps_its_own_issue_date(synthetic) -> None:
    url, numbers = synthetic
    bill(url, charges_of(charge(numbers[0])))
    with read_session(url) as s:
        [(draft, _, _)] = billing_run.drafts_of(s, PERIOD)
        s.expunge_all()
    with write_session(url) as s:
        billing_run.set_issue_date(s, "finanzas", draft_id=draft.id, issued_on="2026-11-25")
    bill(url, charges_of(charge(numbers[0])), post=True)
    with read_session(url) as s:
        inv = s.scalars(select(Invoice)).one()
        s.expunge_all()
    assert inv.issued_on == date(2026, 11, 25) and (inv.due_on - inv.issued_on).days == 31


def test_audit_names_the_user_for_every_step(synthetic) -> None:
    url, numbers = synthetic
    bill(url, charges_of(charge(numbers[0], mono_pages=10)), post=True, actor="jefa")
    with read_session(url) as s:
        by = {(r.action, r.entity) for r in s.scalars(select(AuditLog).where(
            AuditLog.username == "jefa"))}
    assert {("create", "invoice_drafts"), ("create", "invoice_draft_lines"),
            ("create", "invoices"), ("create", "invoice_lines"), ("post", "invoice_drafts"),
            ("update", "invoice_series"), ("billing_run", "invoice_drafts")} <= by


@pytest.mark.parametrize(("case", "message"), [
    ("operator", "only finance or admin"),
    ("unknown_user", "unknown user"),
    ("future", "is in the future"),
    ("running_month", "is not over yet"),
    ("empty", "no charges in the warehouse"),
    ("no_plan", "has no price plan"),
    ("issue_before_end", "after the period's end"),
    ("bad_period", "YYYY-MM"),
])
def test_refusals_name_the_reason_and_write_nothing(synthetic, case, message) -> None:
    url, numbers = synthetic
    charges = charges_of(*(charge(n) for n in numbers))
    kw: dict = {"post": True}
    if case == "operator":
        kw["actor"] = "operacion"
    elif case == "unknown_user":
        kw["actor"] = "nadie"
    elif case == "future":
        kw["period"] = date(2027, 1, 1)
    elif case == "running_month":
        kw["period"] = date(2026, 12, 1)
    elif case == "empty":
        charges = {}
    elif case == "no_plan":
        sql_plan_free(url)
    elif case == "issue_before_end":
        kw["issue_date"] = date(2026, 10, 31)
    elif case == "bad_period":
        kw["period"] = "2026/10"
    before = table_counts(url)
    with pytest.raises(RunRefused, match=message):
        bill(url, charges, **kw)
    assert table_counts(url) == before


def sql_plan_free(url: str) -> None:
    """A contract billable in October without any price plan."""
    with write_session(url) as s:
        acc_id = s.scalars(select(Contract.account_id)).first()
        s.add(Contract(contract_number="C-NOPLAN", account_id=acc_id,
                       start_date=date(2026, 9, 1), end_date=date(2027, 8, 31), currency="MXN",
                       payment_terms_days=30, billing_day=1, activated_on=date(2026, 9, 1),
                       created_by="test"))


def test_a_contract_without_plan_may_be_excluded_instead(synthetic) -> None:
    url, numbers = synthetic
    sql_plan_free(url)
    with write_session(url) as s:
        billing_run.exclude(s, "finanzas", contract_number="C-NOPLAN", period="2026-10",
                            reason="Plan de precios pendiente de firma")
    report = bill(url, charges_of(charge(numbers[0])), post=True)
    assert report.counts() == {"posted": 1, "excluded": 1}


def test_invoiced_outside_the_run_is_not_drafted_again(synthetic) -> None:
    url, numbers = synthetic
    from operational_app.domain import billing

    with write_session(url) as s:
        billing.issue_invoice(s, "finanzas", invoice_number="ERP-1", contract_number=numbers[0],
                              period_start="2026-10-01", issued_on="2026-11-02",
                              subtotal="1000.00", tax_amount="160.00", total="1160.00",
                              currency="MXN")
    report = bill(url, charges_of(charge(numbers[0]), charge(numbers[1])), post=True)
    assert report.counts() == {"outside": 1, "posted": 1}
    with read_session(url) as s:
        assert s.scalars(select(Invoice.origin).where(Invoice.invoice_number == "ERP-1")
                         ).one() == "manual"


def test_a_changed_charge_of_a_posted_draft_never_edits_it(synthetic) -> None:
    url, numbers = synthetic
    bill(url, charges_of(charge(numbers[0], mono_pages=100)), post=True)
    with read_session(url) as s:
        inv = s.scalars(select(Invoice)).one()
        lines = [(ln.amount, ln.tax_amount) for ln in s.scalars(select(InvoiceDraftLine))]
        s.expunge_all()
    bill(url, charges_of(replace(charge(numbers[0], mono_pages=300))), post=True)
    with read_session(url) as s:
        same = s.get(Invoice, inv.id)
        assert (same.subtotal, same.total) == (inv.subtotal, inv.total)
        assert [(ln.amount, ln.tax_amount) for ln in s.scalars(
            select(InvoiceDraftLine).order_by(InvoiceDraftLine.id))][:len(lines)] == lines
