"""One rule for what is still owed: the operational app's `lookups.open_amounts` /
`unapplied_amounts` (what payment application and the entry pages use) and the warehouse's
`ar_aging` / `unapplied_payments` macros (what finance's pages and analysts use) agree on every
document of the tiny business — reversed payments, split applications, credit notes, USD
(docs/collections.md, "Aging as of a date D")."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from collections_business import published
from sqlalchemy import select

from seiton.warehouse.reader import run_query

pytestmark = [pytest.mark.e2e]

# after every document of the tiny business: the warehouse's as-of rule sees them all
LATER = "2027-01-01"


def _operational(home: Path, model_name: str) -> dict[str, D]:
    from operational_app.domain import lookups
    from operational_app.store import models
    from operational_app.store.engine import dispose_engines, read_session

    url = f"sqlite:///{home / 'operational.db'}"
    try:
        with read_session(url) as s:
            if model_name == "invoices":
                rows = s.execute(select(models.Invoice.id, models.Invoice.invoice_number)).all()
                amounts = lookups.open_amounts(s, [r.id for r in rows])
            else:
                rows = s.execute(select(models.Payment.id, models.Payment.payment_number)).all()
                amounts = lookups.unapplied_amounts(s, [r.id for r in rows])
    finally:
        dispose_engines()
    return {number: amounts[id_] for id_, number in rows}


def test_open_amounts_agree_with_the_warehouse(ar_home: Path) -> None:
    app = _operational(ar_home, "invoices")
    _, rows = run_query(f"select invoice_number, open_amount from marts.ar_aging(date '{LATER}')",
                        path=published(ar_home))
    warehouse = dict(rows)
    assert len(app) >= 9
    # the aging lists what is still open; a settled invoice is simply not there
    assert {k: v for k, v in app.items() if v != 0} == warehouse
    assert app["F-REV"] == D("1160.00")  # its payment bounced
    assert app["F-CN"] == D("2088.00")   # 2,320.00 − the 232.00 credit note


def test_unapplied_amounts_agree_with_the_warehouse(ar_home: Path) -> None:
    app = _operational(ar_home, "payments")
    _, rows = run_query(
        f"select payment_number, unapplied_amount from marts.unapplied_payments(date '{LATER}')",
        path=published(ar_home))
    assert {k: v for k, v in app.items() if v != 0} == dict(rows)
    assert app["P-BOUNCE"] == D("0.00")  # a reversed payment is never customer credit
