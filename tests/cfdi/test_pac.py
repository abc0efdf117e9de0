"""The simulated PAC the demo calls (docs/cfdi.md): deterministic from its seed, its
stamped invoices and payment receipts are valid CFDI 4.0 (TimbreFiscalDigital 1.1,
Pagos 2.0) by the SAT's schemas, and a late receipt is stamped after the 5th."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lxml import etree

from operational_app.cfdi import pac, reader, schema
from operational_app.domain import fiscal
from operational_app.store.engine import read_session, write_session
from tests.cfdi.conftest import CUSTOMER_RFC, exported
from tests.cfdi.helpers import post_invoice


def test_stamp_is_deterministic_and_schema_valid(url) -> None:
    with write_session(url) as s:
        post_invoice(s)
    xml = exported(url).files["F1.xml"]
    one = pac.stamp(xml, seed=5, stamped_at=datetime(2026, 3, 2, 10))
    assert one == pac.stamp(xml, seed=5, stamped_at=datetime(2026, 3, 2, 10))
    other = pac.stamp(xml, seed=6, stamped_at=datetime(2026, 3, 2, 10))
    assert reader.read(one).uuid != reader.read(other).uuid
    assert schema.validate(etree.fromstring(one)) == []  # sealed: no placeholder needed
    cfdi = reader.read(one)
    assert (cfdi.stamped_at, cfdi.pac_rfc) == (datetime(2026, 3, 2, 10), pac.PAC_RFC)


def test_payment_receipt_is_pagos_20_and_schema_valid(url) -> None:
    with read_session(url) as s:
        config = fiscal.fiscal_config(s)
    receipt = pac.payment_receipt(
        config, pac.Receiver(CUSTOMER_RFC, "Cliente A1", "06600", "601"),
        paid_at=datetime(2026, 4, 10, 12), issued_at=datetime(2026, 5, 8, 9),
        invoices=[pac.PaidInvoice(pac.uuid_for(1, "f"), "MXN", Decimal("3220.16"),
                                  Decimal("1000.00"))])
    stamped = pac.stamp(receipt, seed=1, stamped_at=datetime(2026, 5, 8, 9, 5))
    assert schema.validate(etree.fromstring(stamped)) == []
    cfdi = reader.read(stamped)
    assert cfdi.cfdi_type == "P" and cfdi.pagos_version == "2.0"
    d = cfdi.pagos[0].doctos[0]
    assert (d.balance_before, d.paid, d.balance_after) == (
        Decimal("3220.16"), Decimal("1000.00"), Decimal("2220.16"))
    assert cfdi.stamped_at > datetime(2026, 5, 5, 23, 59, 59)  # late: after the 5th


def test_metadata_file_is_recognised_by_its_header(url) -> None:
    from operational_app.cfdi import metadata

    with read_session(url) as s:
        config = fiscal.fiscal_config(s)
    c = pac.Cancellation(pac.uuid_for(1, "x"), CUSTOMER_RFC, "Cliente", datetime(2026, 3, 2),
                         datetime(2026, 3, 2, 1), Decimal("116"), datetime(2026, 3, 9))
    data = pac.metadata_file(config, [c])
    assert metadata.is_metadata(data)
    rows, errors = metadata.parse(data, "m.txt")
    assert not errors and rows[0].status == "0" and rows[0].amount == Decimal("116.00")
