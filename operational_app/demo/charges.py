"""The generator's own estimate of what finance would bill (billing-and-collections.md).

Device usage per period (closing reads, estimates, the effective-counter rule, meter
replacements) and the contract charge (proration, pooled allowances, overage with optional
graduated tiers, minimum true-up, tax), in exact arithmetic with half-up rounding. The
warehouse computes the official figures; the generator uses these to write invoices that
mostly match them and, on purpose, sometimes do not.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ESTIMATE_MIN_SPAN_DAYS = 28


def round_money(value: Decimal | Fraction) -> Decimal:
    """Half up (away from zero) to cents, exactly."""
    if isinstance(value, Fraction):
        cents = round_int(value * 100)
        return (Decimal(cents) / 100).quantize(CENT)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_int(value: Fraction) -> int:
    """Half up to a whole number (pages), exactly."""
    sign = -1 if value < 0 else 1
    return sign * int((abs(value) + Fraction(1, 2)) // 1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def period_end(period_start: date) -> date:
    return period_start.replace(day=days_in_month(period_start))


def overlap_days(a_start: date, a_end: date | None, b_start: date, b_end: date) -> int:
    """Days of [a_start, a_end] (open-ended if None) inside [b_start, b_end], inclusive."""
    start = max(a_start, b_start)
    end = min(a_end or b_end, b_end)
    return max(0, (end - start).days + 1)


# --------------------------------------------------------------------------- device usage


@dataclass(frozen=True)
class Read:
    day: date
    mono: int
    color: int
    reset: bool = False
    source: str = "agent"


@dataclass
class DeviceMeter:
    """One device's usage, period after period (call `close_period` in order)."""

    installed_on: date
    install_mono: int
    install_color: int
    removed_on: date | None = None
    effective: list[int] = field(init=False)
    # pages billed above what a replaced meter counted (an overshooting estimate before the
    # replacement), absorbed by later usage (docs/billing.md)
    unabsorbed: list[int] = field(init=False)
    actuals: list[Read] = field(init=False)  # actual readings of the current meter
    install_read: Read | None = field(init=False)  # None once the meter has been replaced

    def __post_init__(self) -> None:
        self.effective = [self.install_mono, self.install_color]
        self.unabsorbed = [0, 0]
        self.actuals = []
        self.install_read = Read(self.installed_on, self.install_mono, self.install_color)

    def _average_daily(self, meter: int) -> Fraction:
        """From the last two actual reads ≥ 28 days apart, or install and the last actual."""
        if not self.actuals:
            return Fraction(0)
        last = self.actuals[-1]
        earlier = None
        for read in reversed(self.actuals[:-1]):
            if (last.day - read.day).days >= ESTIMATE_MIN_SPAN_DAYS:
                earlier = read
                break
        if earlier is None and self.install_read is not None:
            if self.install_read.day < last.day:
                earlier = self.install_read
        if earlier is None:
            return Fraction(0)
        pages = _counter(last, meter) - _counter(earlier, meter)
        return Fraction(pages, (last.day - earlier.day).days)

    def close_period(self, start: date, reads: list[Read]) -> tuple[int, int, bool]:
        """Mono and color usage of the period starting `start`, and whether it was
        estimated. `reads` are the device's readings dated in the period, in order (on one
        date an old meter's final read comes before the new meter's reset read)."""
        end = period_end(start)
        usage = [0, 0]
        if not reads:
            active = overlap_days(self.installed_on, self.removed_on, start, end)
            for m in (0, 1):
                estimate = self.effective[m] + round_int(self._average_daily(m) * active)
                closing = max(self.effective[m], estimate)
                usage[m] = closing - self.effective[m]
                self.effective[m] = closing
            return self._absorb(usage[0], 0), self._absorb(usage[1], 1), True
        last_on_meter: Read | None = None
        for read in reads:
            if read.reset:
                # the old meter counted up to its final read (the last one before the
                # reset, maybe of an earlier period): what was billed above it is owed back
                final = last_on_meter or (self.actuals[-1] if self.actuals else
                                          self.install_read)
                if final is not None:
                    for m in (0, 1):
                        usage[m] += _counter(final, m) - self.effective[m]
                self.effective = [read.mono, read.color]
                self.actuals = [read]
                self.install_read = None
                last_on_meter = None
            else:
                self.actuals.append(read)
                last_on_meter = read
        if last_on_meter is not None:
            for m in (0, 1):
                closing = max(self.effective[m], _counter(last_on_meter, m))
                usage[m] += closing - self.effective[m]
                self.effective[m] = closing
        # forget reads no estimate can need any more: the pair's earlier read only moves on
        if len(self.actuals) > 16:
            cutoff = self.actuals[-1].day - timedelta(days=ESTIMATE_MIN_SPAN_DAYS)
            for i in range(len(self.actuals) - 1, -1, -1):
                if self.actuals[i].day <= cutoff:
                    self.actuals = self.actuals[i:]
                    break
        return self._absorb(usage[0], 0), self._absorb(usage[1], 1), False

    def _absorb(self, counted: int, meter: int) -> int:
        """Bill the period's counted change less what is still owed, never below zero."""
        billed = max(0, counted - self.unabsorbed[meter])
        self.unabsorbed[meter] = max(0, self.unabsorbed[meter] - counted)
        return billed


def _counter(read: Read, meter: int) -> int:
    return read.mono if meter == 0 else read.color


# --------------------------------------------------------------------------- contract charge


@dataclass(frozen=True)
class PlanTerms:
    effective_from: date
    fixed_monthly_fee: Decimal
    included_mono_pages: int
    included_color_pages: int
    mono_rate: Decimal
    color_rate: Decimal
    minimum_monthly_charge: Decimal | None = None
    mono_tiers: tuple[tuple[int, Decimal], ...] = ()  # (from_page, rate), ascending
    color_tiers: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class Charge:
    period_start: date
    active_days: int
    fixed_fee_amount: Decimal
    included_mono_pages: int
    included_color_pages: int
    mono_pages: int
    color_pages: int
    overage_mono_pages: int
    overage_color_pages: int
    overage_mono_amount: Decimal
    overage_color_amount: Decimal
    minimum_true_up_amount: Decimal
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    has_estimated_reads: bool = False


def overage_amount(pages: int, rate: Decimal, tiers: tuple[tuple[int, Decimal], ...]) -> Decimal:
    """Flat rate, or graduated tiers like income-tax brackets (each tier rounded to cents)."""
    if not tiers:
        return round_money(Decimal(pages) * rate)
    total = Decimal("0.00")
    for i, (from_page, tier_rate) in enumerate(tiers):
        upper = tiers[i + 1][0] if i + 1 < len(tiers) else None
        top = pages if upper is None else min(pages, upper)
        in_tier = max(0, top - from_page)
        total += round_money(Decimal(in_tier) * tier_rate)
    return total


def compute_charge(
    plan: PlanTerms,
    period_start: date,
    active_days: int,
    mono_pages: int,
    color_pages: int,
    tax_rate: Decimal,
    has_estimated_reads: bool = False,
) -> Charge:
    dim = days_in_month(period_start)
    f = Fraction(active_days, dim)
    fee = round_money(Fraction(plan.fixed_monthly_fee) * f)
    inc_mono = round_int(plan.included_mono_pages * f)
    inc_color = round_int(plan.included_color_pages * f)
    over_mono = max(0, mono_pages - inc_mono)
    over_color = max(0, color_pages - inc_color)
    amount_mono = overage_amount(over_mono, plan.mono_rate, plan.mono_tiers)
    amount_color = overage_amount(over_color, plan.color_rate, plan.color_tiers)
    true_up = Decimal("0.00")
    if plan.minimum_monthly_charge is not None:
        minimum = round_money(Fraction(plan.minimum_monthly_charge) * f)
        true_up = max(Decimal("0.00"), minimum - (fee + amount_mono + amount_color))
    subtotal = fee + amount_mono + amount_color + true_up
    tax = round_money(subtotal * tax_rate)
    return Charge(
        period_start=period_start,
        active_days=active_days,
        fixed_fee_amount=fee,
        included_mono_pages=inc_mono,
        included_color_pages=inc_color,
        mono_pages=mono_pages,
        color_pages=color_pages,
        overage_mono_pages=over_mono,
        overage_color_pages=over_color,
        overage_mono_amount=amount_mono,
        overage_color_amount=amount_color,
        minimum_true_up_amount=true_up,
        subtotal=subtotal,
        tax_amount=tax,
        total=subtotal + tax,
        has_estimated_reads=has_estimated_reads,
    )


def tax_for(subtotal: Decimal, tax_rate: Decimal) -> Decimal:
    return round_money(subtotal * tax_rate)
