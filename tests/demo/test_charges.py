"""The generator's charge estimate follows billing-and-collections.md's worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from operational_app.demo.charges import (
    DeviceMeter,
    PlanTerms,
    Read,
    compute_charge,
    overage_amount,
    round_int,
    round_money,
)

PLAN = PlanTerms(
    effective_from=date(2026, 1, 1),
    fixed_monthly_fee=Decimal("2500.00"),
    included_mono_pages=5_000,
    included_color_pages=1_000,
    mono_rate=Decimal("0.12"),
    color_rate=Decimal("1.10"),
)
IVA = Decimal("0.16")


def test_example_1_one_device_full_month() -> None:
    charge = compute_charge(PLAN, date(2026, 3, 1), 31, 7_300, 950, IVA)
    assert charge.overage_mono_amount == Decimal("276.00")
    assert charge.overage_color_amount == Decimal("0.00")
    assert charge.subtotal == Decimal("2776.00")
    assert charge.tax_amount == Decimal("444.16")
    assert charge.total == Decimal("3220.16")


def test_example_2_two_devices_pooled() -> None:
    charge = compute_charge(PLAN, date(2026, 3, 1), 31, 3_100 + 2_600, 700 + 450, IVA)
    assert charge.overage_mono_amount == Decimal("84.00")
    assert charge.overage_color_amount == Decimal("165.00")
    assert charge.subtotal == Decimal("2749.00")


def test_example_3_partial_month() -> None:
    charge = compute_charge(PLAN, date(2026, 4, 1), 10, 0, 0, IVA)
    assert charge.fixed_fee_amount == Decimal("833.33")
    assert charge.included_mono_pages == 1_667
    assert charge.included_color_pages == 333


def test_example_4_graduated_tiers() -> None:
    tiers = ((0, Decimal("0.12")), (10_000, Decimal("0.09")))
    assert overage_amount(12_500, Decimal("0.12"), tiers) == Decimal("1425.00")


def test_minimum_true_up() -> None:
    plan = PlanTerms(date(2026, 1, 1), Decimal("1500.00"), 0, 0, Decimal("0.12"),
                     Decimal("1"), minimum_monthly_charge=Decimal("2000.00"))
    charge = compute_charge(plan, date(2026, 1, 1), 31, 1_200, 0, IVA)  # overage 144.00
    assert charge.minimum_true_up_amount == Decimal("356.00")
    assert charge.subtotal == Decimal("2000.00")


def test_example_6_estimates_and_true_up() -> None:
    meter = DeviceMeter(date(2026, 1, 1), 100_000, 0)
    reads = {
        date(2026, 1, 1): [Read(date(2026, 1, 31), 103_000, 0)],
        date(2026, 2, 1): [Read(date(2026, 2, 28), 105_800, 0)],
        date(2026, 3, 1): [],
        date(2026, 4, 1): [Read(date(2026, 4, 30), 108_000, 0)],
        date(2026, 5, 1): [Read(date(2026, 5, 31), 111_500, 0)],
    }
    usage = [meter.close_period(start, rs) for start, rs in reads.items()]
    assert [u[0] for u in usage] == [3_000, 2_800, 3_100, 0, 2_600]
    assert [u[2] for u in usage] == [False, False, True, False, False]
    assert sum(u[0] for u in usage) == 111_500 - 100_000


def test_meter_replacement_counts_both_meters() -> None:
    meter = DeviceMeter(date(2026, 1, 1), 50_000, 0)
    meter.close_period(date(2026, 1, 1), [Read(date(2026, 1, 31), 52_000, 0)])
    mono, _, estimated = meter.close_period(date(2026, 2, 1), [
        Read(date(2026, 2, 10), 53_000, 0),  # the old meter's final read
        Read(date(2026, 2, 11), 20, 0, reset=True),
        Read(date(2026, 2, 28), 1_520, 0),
    ])
    assert (mono, estimated) == (1_000 + 1_500, False)


def test_replacement_after_an_overshooting_estimate_is_absorbed() -> None:
    """docs/billing.md: effective 8,900 after a March estimate (5,800 + 100 a day × 31), April's
    old final read 8,000 and the new meter 0 → 600: April 0 with 300 owed; May (600 → 1,500)
    bills 900 − 300 = 600 — the warehouse's unit test counters_effective_spec_replacement_*."""
    meter = DeviceMeter(date(2026, 1, 1), 2_800, 0)
    assert meter.close_period(date(2026, 1, 1), [Read(date(2026, 1, 31), 3_000, 0)])[0] == 200
    assert meter.close_period(date(2026, 2, 1), [Read(date(2026, 2, 28), 5_800, 0)])[0] == 2_800
    assert meter.close_period(date(2026, 3, 1), []) == (3_100, 0, True)
    april = meter.close_period(date(2026, 4, 1), [
        Read(date(2026, 4, 10), 8_000, 0), Read(date(2026, 4, 10), 0, 0, reset=True),
        Read(date(2026, 4, 30), 600, 0)])
    assert april == (0, 0, False) and meter.unabsorbed == [300, 0]
    assert meter.close_period(date(2026, 5, 1), [Read(date(2026, 5, 31), 1_500, 0)])[0] == 600
    assert meter.unabsorbed == [0, 0]


def test_half_up_rounding() -> None:
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_int(__import__("fractions").Fraction(5, 2)) == 3
