"""Stage 5 money of the demo, around the billing run (billing_runs.py issues the invoices):
the invoices typed by hand in the ERP (after an unrecorded termination, a duplicate),
payments with the customer's habits, unapplied and bounced payments, and collection
actions on overdue invoices. Nothing here computes a charge: the warehouse does, and the
billing run (operational_app/domain/billing_run.py) invoices it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import month_end, next_month_start, weighted
from operational_app.demo.timeline import P_BILLING, Timeline
from operational_app.demo.workhours import business_day_on_or_after as workday
from operational_app.demo.world import Contract, World
from operational_app.domain.taxes import document_tax

ZERO = Decimal("0.00")


@dataclass
class InvoicePlan:
    contract: Contract
    period: date
    issued_on: date
    subtotal: Decimal
    tax: Decimal
    kind: str = "run"  # run (posted by the billing run) | mistaken | duplicate
    number: str = ""
    credited: Decimal = ZERO  # credit-note totals planned against it

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass
class BillingStats:
    credit_notes: int = 0
    unapplied: int = 0
    left_unapplied: int = 0
    bounced: int = 0
    payments: int = 0


def round_money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Billing:
    def __init__(self, world: World, tl: Timeline) -> None:
        self.world = world
        self.tl = tl
        self.until = world.until
        self.rng = random.Random(f"{world.seed}:money")
        self.stats = BillingStats()
        self.periods = 0
        total_months = max(1, world.scale.months)
        self.force_after = int(total_months * 0.6)  # guarantee rare stories by then

    def close_period(self, start: date) -> None:
        """A period is over: plan what finance types by hand for it (the billing run issues
        the rest, billing_runs.py)."""
        self.periods += 1
        end = month_end(start)
        if end > self.until:
            return
        for c in self.world.contracts:
            if c.retroactive_closure and c.closed_on is not None and \
                    next_month_start(c.closed_on) == start:
                self.mistaken_invoice(c, start)

    # -- invoices

    def _issue(self, inv: InvoicePlan) -> None:
        c = inv.contract

        def fields() -> dict:
            inv.number = self.tl.next_number("FAC")
            return {"invoice_number": inv.number, "contract_number": c.number,
                    "period_start": inv.period, "issued_on": inv.issued_on,
                    "subtotal": inv.subtotal, "tax_amount": inv.tax, "total": inv.total,
                    "currency": c.currency}

        self.tl.add(inv.issued_on, P_BILLING, "billing", "issue_invoice", P.ACTOR_ADMIN_AREA,
                    fields)

    def _credit(self, inv: InvoicePlan, on: date, subtotal: Decimal, reason: str,
                full: bool = False) -> Decimal:
        tax = inv.tax if full else document_tax(subtotal, inv.contract.account.tax_rate)
        total = subtotal + tax
        inv.credited += total
        self.stats.credit_notes += 1

        def fields() -> dict:
            return {"credit_note_number": self.tl.next_number("NC", 5),
                    "invoice_number": inv.number, "issued_on": on, "subtotal": subtotal,
                    "tax_amount": tax, "total": total, "reason": reason}

        self.tl.add(on, P_BILLING, "billing", "issue_credit_note", P.ACTOR_FINANCE, fields)
        return total

    def new_invoice(self, c: Contract, period: date, issued: date, subtotal: Decimal,
                    kind: str) -> InvoicePlan:
        inv = InvoicePlan(c, period, issued, subtotal, document_tax(subtotal, c.account.tax_rate),
                          kind)
        self._issue(inv)
        return inv

    def issue_day(self, period_end: date) -> date:
        """1–5 days after the period, on a business day (the nearest one in that span)."""
        offset = weighted(self.rng, P.INVOICE_DAYS_AFTER_PERIOD)
        for delta in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            if 1 <= offset + delta <= 5:
                day = period_end + timedelta(days=offset + delta)
                if workday(day) == day:
                    return day
        return workday(period_end + timedelta(days=offset))

    def mistaken_invoice(self, c: Contract, period: date) -> None:
        """Typed by hand in the ERP after an early termination nobody had recorded yet (the
        plan's fixed fee): no charge behind it, so it reconciles invoice_without_charge."""
        rng = self.rng
        issued = self.issue_day(month_end(period))
        if c.closure_recorded_on is not None and issued >= c.closure_recorded_on:
            return
        plan = c.plan_on(period)
        inv = self.new_invoice(c, period, issued, plan.fixed_monthly_fee, "mistaken")
        if rng.random() < 0.5 and c.closure_recorded_on is not None:
            on = workday(c.closure_recorded_on + timedelta(days=rng.randint(1, 15)))
            self._credit(inv, on, inv.subtotal,
                         "Factura emitida después de la terminación del contrato", full=True)
        else:
            self.collect(inv, payer="poor")

    # -- payments and collections

    def collect(self, inv: InvoicePlan, not_before: date | None = None,
                payer: str | None = None) -> None:
        rng = self.rng
        c = inv.contract
        amount = inv.total - inv.credited
        if amount <= 0:
            return
        due = inv.issued_on + timedelta(days=c.payment_terms)
        earliest = max(inv.issued_on + timedelta(days=2),
                       (not_before or inv.issued_on) + timedelta(days=1))
        mix = P.PAYER_PROFILES[payer or c.account.payer][1]
        bucket = rng.choices(range(4), weights=mix)[0]
        pay: date | None
        if bucket == 0:
            pay = due - timedelta(days=rng.randint(0, max(0, min(20, c.payment_terms - 3))))
        elif bucket == 1:
            pay = due + timedelta(days=rng.randint(1, 30))
        elif bucket == 2:
            pay = due + timedelta(days=rng.randint(31, 90))
        else:
            pay = None if rng.random() < P.NEVER_PAID_SHARE_OF_LATEST else due + timedelta(
                days=rng.randint(*P.VERY_LATE_DAYS))
        if pay is not None and pay < earliest:
            pay = earliest + timedelta(days=rng.randint(0, 7))
        if pay is not None:
            pay = workday(pay)
        installments: list[tuple[date, Decimal]] = []
        if pay is None:
            if rng.random() < 0.35:
                part = round_money(amount * Decimal(str(round(rng.uniform(0.2, 0.6), 2))))
                on = workday(max(earliest, due + timedelta(days=rng.randint(-5, 40))))
                if part > 0:
                    installments.append((on, part))
        elif rng.random() < P.PAYMENT_PARTIAL_P and amount >= Decimal("100"):
            part = round_money(amount * Decimal(str(round(rng.uniform(0.3, 0.7), 2))))
            on = min(pay, workday(max(earliest, pay - timedelta(days=rng.randint(10, 40)))))
            installments += [(on, part), (pay, amount - part)]
        else:
            installments.append((pay, amount))
        stop = pay
        for on, part in installments:
            self.pay(inv, on, part)
        if stop is None or stop > due + timedelta(days=3):
            self.chase(inv, due, stop, installments)

    def pay(self, inv: InvoicePlan, on: date, amount: Decimal) -> None:
        rng = self.rng
        c = inv.contract
        method = weighted(rng, P.PAYMENT_METHODS)
        self.stats.payments += 1
        late_in_history = self.periods >= self.force_after
        bounced = rng.random() < P.PAYMENT_BOUNCED_P or (
            late_in_history and self.stats.bounced == 0 and self.stats.unapplied > 0)
        self.stats.bounced += bounced
        unapplied = not bounced and (rng.random() < P.PAYMENT_UNAPPLIED_P or (
            late_in_history and self.stats.unapplied == 0))
        if bounced:
            method = "cheque"
        holder: dict[str, str] = {}

        def record() -> dict:
            holder["number"] = self.tl.next_number("PAG")
            return {"payment_number": holder["number"], "account_code": c.account.code,
                    "received_on": on, "amount": amount, "currency": c.currency,
                    "method": method}

        self.tl.add(on, P_BILLING, "billing", "record_payment", P.ACTOR_FINANCE_OP, record)
        applied_on = on
        if unapplied:
            self.stats.unapplied += 1  # recorded without its invoice …
            later = workday(on + timedelta(days=rng.randint(*P.UNAPPLIED_APPLY_DAYS)))
            forced = late_in_history and self.stats.left_unapplied == 0  # one stays as credit
            if forced or rng.random() >= P.UNAPPLIED_APPLIED_P or later > self.until:
                self.stats.left_unapplied += 1
                return
            applied_on = later  # … until finance finds the invoice it pays
        if bounced:
            back = workday(on + timedelta(days=rng.randint(2, 6)))
            self.tl.add(back, P_BILLING, "billing", "reverse_payment", P.ACTOR_FINANCE_OP,
                        lambda: {"reversal_number": self.tl.next_number("REV", 4),
                                 "payment_number": holder["number"], "reversed_on": back,
                                 "reason": "Cheque devuelto por fondos insuficientes"})
            self.pay(inv, workday(back + timedelta(days=rng.randint(5, 15))), amount)
            return
        self.tl.add(applied_on, P_BILLING, "billing", "apply_payment", P.ACTOR_FINANCE_OP,
                    lambda: {"payment_number": holder["number"], "invoice_number": inv.number,
                             "amount": amount, "applied_on": applied_on})

    def chase(self, inv: InvoicePlan, due: date, stop: date | None,
              installments: list[tuple[date, Decimal]]) -> None:
        """Collection actions from a few days after the due date until paid (or for good)."""
        rng = self.rng
        amount = inv.total - inv.credited
        actions: list[tuple[date, str, date | None, Decimal | None, str]] = []
        t = workday(due + timedelta(days=rng.randint(2, 6)))
        if stop is not None and t >= stop:
            return
        actions.append((t, "email", None, None, "Recordatorio de pago enviado"))
        horizon = self.until + timedelta(days=1)
        broken = False
        while len(actions) < 9 and t <= horizon:
            t = workday(t + timedelta(days=rng.randint(6, 16)))
            if stop is not None and t >= stop:
                break
            paid = sum((a for on, a in installments if on <= t), ZERO)
            open_now = amount - paid
            if open_now <= 0:
                break
            overdue = (t - due).days
            left = (stop - t).days if stop is not None else None
            if overdue >= 10 and left is not None and left <= 60 and rng.random() < 0.7:
                if rng.random() < P.PROMISE_KEPT_P:
                    promised = workday(stop + timedelta(days=rng.randint(0, 3)))
                    actions.append((t, "promise_to_pay", promised, open_now,
                                    "El cliente se compromete a pagar"))
                    break
            if overdue >= 10 and not broken and (left is None or left > 8) and \
                    rng.random() < 0.25:
                span = 15 if left is None else min(15, left - 2)
                promised = t + timedelta(days=rng.randint(4, max(4, span)))
                if workday(promised) < stop if stop is not None else True:
                    promised = workday(promised)
                actions.append((t, "promise_to_pay", promised, open_now,
                                "Promesa de pago (no cumplida)"))
                broken = True
                t = promised
                continue
            if overdue > 60 and rng.random() < 0.5:
                actions.append((t, "escalation", None, None, "Escalado a Dirección y jurídico"))
            elif rng.random() < 0.2:
                actions.append((t, "visit", None, None, "Visita de cobranza al cliente"))
            else:
                actions.append((t, "call", None, None, "Llamada de seguimiento de cobranza"))
        for on, kind, promised, promised_amount, note in actions:
            fields = {"action_type": kind, "action_on": on, "promised_on": promised,
                      "promised_amount": promised_amount, "notes": note}
            self.tl.add(on, P_BILLING, "billing", "record_collection_action",
                        P.ACTOR_FINANCE_OP,
                        lambda f=fields: {"invoice_number": inv.number, **f})
