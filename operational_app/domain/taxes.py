"""Tax of a document and of each of its lines, to the cent (docs/cfdi.md, "Tax per line").

A document's tax is round(subtotal × rate, 2), half up. Each line carries its exact tax
(amount × rate) rounded down or up to the cent — both within what the SAT accepts for a
CFDI concepto — chosen by largest remainder so that the lines add up to exactly the
document's tax. The billing run stores these line taxes when it drafts; the CFDI export
writes them as they are stored. This module is the one owner of that rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def document_tax(subtotal: Decimal, rate: Decimal) -> Decimal:
    """round(subtotal × rate, 2), half up (away from zero), exactly."""
    return (subtotal * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate_line_taxes(amounts: Sequence[Decimal], rate: Decimal,
                        total_tax: Decimal | None = None) -> list[Decimal]:
    """The tax of each line, in the lines' order, summing to `total_tax` (by default the
    document tax of the lines' sum).

    Every line starts at its exact tax rounded down; the cents still missing go one each to
    the lines with the largest remainders (ties: the earlier line), so each line ends at
    its floor or its ceiling. Lines must be non-negative and the target reachable that way,
    which holds whenever `total_tax` is the document tax of the lines' sum.
    """
    amounts = [Decimal(a) for a in amounts]
    if any(a < 0 for a in amounts):
        raise ValueError("line amounts must not be negative")
    if total_tax is None:
        total_tax = document_tax(sum(amounts, Decimal(0)), rate)
    exact = [a * rate for a in amounts]
    floors = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    missing = int((total_tax - sum(floors, Decimal(0))) / CENT)
    with_remainder = [i for i, e in enumerate(exact) if e != floors[i]]
    if not 0 <= missing <= len(with_remainder):
        raise ValueError(f"a tax of {total_tax} cannot be split over these lines "
                         f"(floors add up to {sum(floors, Decimal(0))})")
    ranked = sorted(with_remainder, key=lambda i: (-(exact[i] - floors[i]), i))
    taxes = list(floors)
    for i in ranked[:missing]:
        taxes[i] += CENT
    return taxes
