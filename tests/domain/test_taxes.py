"""Tax per line by largest remainder (docs/cfdi.md, "Tax per line")."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, ROUND_UP, Decimal

import pytest

from operational_app.domain.taxes import CENT, allocate_line_taxes, document_tax

D = Decimal


def _within_floor_and_ceiling(amounts, rate, taxes) -> bool:
    for amount, tax in zip(amounts, taxes, strict=True):
        exact = amount * rate
        if not exact.quantize(CENT, ROUND_DOWN) <= tax <= exact.quantize(CENT, ROUND_UP):
            return False
    return True


def test_the_worked_example_three_lines_of_five_cents() -> None:
    # exact 0.008 each, floors 0.00; the invoice's tax round(0.15 × 0.16) = 0.02
    taxes = allocate_line_taxes([D("0.05")] * 3, D("0.16"))
    assert taxes == [D("0.01"), D("0.01"), D("0.00")]
    assert sum(taxes) == document_tax(D("0.15"), D("0.16")) == D("0.02")


def test_document_tax_rounds_half_up() -> None:
    assert document_tax(D("2776.00"), D("0.16")) == D("444.16")
    assert document_tax(D("0.03125"), D("0.16")) == D("0.01")  # 0.005 → 0.01, not banker's 0.00
    assert document_tax(D("2374.39"), D("0.16")) == D("379.90")


def test_the_largest_remainder_gets_the_cent() -> None:
    # exact taxes 1.6016, 0.0096, 0.3296 → floors 1.60, 0.00, 0.32 (sum 1.92);
    # document tax round(12.10 × 0.16) = 1.94: two cents go to remainders 0.0096 and 0.0096
    amounts = [D("10.01"), D("0.06"), D("2.06")]
    taxes = allocate_line_taxes(amounts, D("0.16"))
    assert taxes == [D("1.60"), D("0.01"), D("0.33")]
    assert sum(taxes) == D("1.94")


@pytest.mark.parametrize("rate", [D("0.16"), D("0.08")])
def test_many_tiny_lines(rate: Decimal) -> None:
    amounts = [D("0.01")] * 997 + [D("0.03")] * 3
    taxes = allocate_line_taxes(amounts, rate)
    assert sum(taxes) == document_tax(sum(amounts), rate)
    assert _within_floor_and_ceiling(amounts, rate, taxes)


def test_one_big_line_and_many_tiny() -> None:
    amounts = [D("987654.32")] + [D("0.07")] * 400
    taxes = allocate_line_taxes(amounts, D("0.16"))
    assert sum(taxes) == document_tax(sum(amounts), D("0.16")) == D("158029.17")
    assert _within_floor_and_ceiling(amounts, D("0.16"), taxes)


def test_random_documents_always_add_up() -> None:
    rng = random.Random(20261203)
    for _ in range(2000):
        n = rng.randint(1, 30)
        amounts = [D(rng.randint(0, 5_000_000)) / 100 for _ in range(n)]
        rate = rng.choice([D("0.16"), D("0.08")])
        taxes = allocate_line_taxes(amounts, rate)
        assert sum(taxes) == document_tax(sum(amounts), rate)
        assert _within_floor_and_ceiling(amounts, rate, taxes)


def test_lines_with_exact_taxes_are_left_alone() -> None:
    assert allocate_line_taxes([D("100.00"), D("25.00")], D("0.16")) == [D("16.00"), D("4.00")]


def test_an_unreachable_target_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be split"):
        allocate_line_taxes([D("100.00")], D("0.16"), total_tax=D("16.05"))
    with pytest.raises(ValueError, match="negative"):
        allocate_line_taxes([D("-1.00")], D("0.16"))
