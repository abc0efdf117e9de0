"""CFDI in (docs/cfdi.md): the round trip export → stamp (simulated PAC) → import matches
each invoice to its UUID; invoices issued outside the product, credit notes from egresos,
payments from Pagos 2.0 and cancellations from the SAT's metadata; idempotent by UUID; 3.3
accepted for history only. Every refusal names the file and the node, and writes nothing."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from operational_app.cfdi import export, pac
from operational_app.domain import billing, fiscal
from operational_app.domain.lookups import find_invoice, open_amount
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import (
    CfdiCancellation,
    CfdiDocument,
    CfdiPayment,
    CreditNote,
    Invoice,
    Payment,
    PaymentApplication,
)
from tests.cfdi.conftest import CUSTOMER_RFC, SEED, exported, import_folder, stamp_all, state
from tests.cfdi.helpers import post_credit_note, post_invoice

RECEIVER = pac.Receiver(CUSTOMER_RFC, "Cliente A1", "06600", "601")


def _stamped_world(url: str, folder: Path) -> dict[str, bytes]:
    with write_session(url) as s:
        post_invoice(s, folio=1)
        post_invoice(s, folio=2, specs=[("fixed_fee", "Renta", "1", "2500", "2500.00"),
                                        ("overage", "Excedente", "2300", "0.12", "276.00")])
    stamped = stamp_all(exported(url), folder)
    report = import_folder(url, folder)
    assert report.ok, [str(e) for e in report.errors]
    return stamped


def _config(url: str) -> fiscal.FiscalConfig:
    with read_session(url) as s:
        return fiscal.fiscal_config(s)


def _uuid(xml: bytes) -> str:
    return pac.stamped_uuid(xml)


def _receipt(url: str, uuid: str, *, balance: str, paid: str, after: str | None = None,
             paid_at: datetime = datetime(2026, 4, 10, 12), folio: int = 1,
             stamped_at: datetime = datetime(2026, 4, 11, 9)) -> bytes:
    xml = pac.payment_receipt(_config(url), RECEIVER, paid_at=paid_at, invoices=[
        pac.PaidInvoice(uuid, "MXN", Decimal(balance), Decimal(paid))], issued_at=stamped_at,
        folio=folio)
    if after is not None:
        xml = re.sub(rb'ImpSaldoInsoluto="[^"]*"', f'ImpSaldoInsoluto="{after}"'.encode(), xml)
    return pac.stamp(xml, seed=SEED, stamped_at=stamped_at)


# --------------------------------------------------------------------------- happy paths


def test_round_trip_matches_every_invoice_and_reimport_changes_nothing(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    with read_session(url) as s:
        docs = s.scalars(select(CfdiDocument).order_by(CfdiDocument.folio)).all()
        assert [(d.folio, d.import_outcome, d.cfdi_type) for d in docs] == [
            ("1", "matched", "I"), ("2", "matched", "I")]
        f2 = find_invoice(s, "F2")
        assert docs[1].invoice_id == f2.id and docs[1].total == f2.total == Decimal("3220.16")
        assert docs[1].uuid == _uuid(stamped["F2.xml"])
        assert docs[1].stamped_at == datetime(2026, 3, 2, 10, 0)
        assert docs[1].xml.encode() == stamped["F2.xml"]
        assert s.scalar(select(func.count()).select_from(Invoice)) == 2  # nothing created
    before = state(url)
    again = import_folder(url, tmp_path / "in")
    assert again.ok and again.inserted == 0 and again.unchanged == 2
    assert state(url) == before


def test_credit_note_egreso_after_the_invoice_is_stamped(url, tmp_path) -> None:
    _stamped_world(url, tmp_path / "in")
    with write_session(url) as s:
        post_credit_note(s, find_invoice(s, "F2"))
    report = exported(url)  # the credit note now names the stamped invoice's UUID
    note_xml = pac.stamp(report.files["NC1.xml"], seed=SEED,
                         stamped_at=datetime(2026, 3, 21, 9))
    assert b'TipoRelacion="01"' in note_xml
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "NC1.xml").write_bytes(note_xml)
    assert import_folder(url, tmp_path / "e").ok
    with read_session(url) as s:
        doc = s.scalars(select(CfdiDocument).where(CfdiDocument.cfdi_type == "E")).one()
        assert doc.credit_note_id is not None and doc.import_outcome == "matched"
        assert s.scalar(select(func.count()).select_from(CreditNote)) == 1


def test_invoice_issued_outside_the_product_and_its_egreso(url, tmp_path) -> None:
    _stamped_world(url, tmp_path / "in")
    outside = (tmp_path / "in" / "F2.xml").read_bytes()
    outside = re.sub(rb'Folio="2"', b'Folio="9001"', outside, count=1)
    outside = re.sub(rb'Serie="F"', b'Serie="ERP"', outside, count=1)
    # a different document: a new UUID from the simulated PAC
    unsigned = re.sub(rb"<cfdi:Complemento>.*</cfdi:Complemento>", b"", outside, flags=re.S)
    stamped = pac.stamp(unsigned, seed=SEED, stamped_at=datetime(2026, 3, 4, 9))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ERP9001.xml").write_bytes(stamped)
    report = import_folder(url, tmp_path / "out")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        invoice = find_invoice(s, "ERP9001")
        assert invoice.origin == "cfdi_import" and invoice.period_start == date(2026, 3, 1)
        assert (invoice.series, invoice.folio, invoice.total) == ("ERP", 9001,
                                                                  Decimal("3220.16"))


def test_pago_records_the_payment_and_its_application(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    receipt = _receipt(url, _uuid(stamped["F2.xml"]), balance="3220.16", paid="1000.00")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "CP1.xml").write_bytes(receipt)
    report = import_folder(url, tmp_path / "p")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        payment = s.scalars(select(Payment)).one()
        assert (payment.amount, payment.received_on) == (Decimal("1000.00"), date(2026, 4, 10))
        link = s.scalars(select(CfdiPayment)).one()
        assert link.payment_id == payment.id and link.import_outcome == "created"
        assert open_amount(s, find_invoice(s, "F2")) == Decimal("2220.16")
    # the next installment's balance is the new open amount
    second = _receipt(url, _uuid(stamped["F2.xml"]), balance="2220.16", paid="2220.16",
                      paid_at=datetime(2026, 5, 3, 12), folio=2,
                      stamped_at=datetime(2026, 6, 9, 9))
    (tmp_path / "p" / "CP2.xml").write_bytes(second)
    report = import_folder(url, tmp_path / "p")
    assert report.ok and report.inserted == 1 and report.unchanged == 1
    with read_session(url) as s:
        assert open_amount(s, find_invoice(s, "F2")) == 0


def test_pago_of_a_payment_already_recorded_is_linked_not_duplicated(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    with write_session(url) as s:
        billing.record_payment(s, "t", payment_number="PAY-9", account_code="A1",
                               received_on="2026-04-10", amount="1000.00", currency="MXN")
        billing.apply_payment(s, "t", payment_number="PAY-9", invoice_number="F2",
                              amount="1000.00")
    receipt = _receipt(url, _uuid(stamped["F2.xml"]), balance="3220.16", paid="1000.00")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "CP1.xml").write_bytes(receipt)
    report = import_folder(url, tmp_path / "p")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
        assert s.scalar(select(func.count()).select_from(PaymentApplication)) == 1
        assert s.scalars(select(CfdiPayment)).one().import_outcome == "matched"


def test_cancellations_from_the_sat_metadata_file(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    uuid = _uuid(stamped["F1.xml"])
    cancelled = pac.Cancellation(uuid, CUSTOMER_RFC, "Cliente A1", datetime(2026, 3, 2),
                                 datetime(2026, 3, 2, 10), Decimal("2900.00"),
                                 datetime(2026, 3, 15, 11, 30))
    still = pac.Cancellation(_uuid(stamped["F2.xml"]), CUSTOMER_RFC, "Cliente A1",
                             datetime(2026, 3, 2), datetime(2026, 3, 2, 10),
                             Decimal("3220.16"), datetime(2026, 3, 2))
    (tmp_path / "sat").mkdir()
    # recognised by its header, not its name
    (tmp_path / "sat" / "descarga_0001.txt").write_bytes(
        pac.metadata_file(_config(url), [cancelled], [still]))
    report = import_folder(url, tmp_path / "sat")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        row = s.scalars(select(CfdiCancellation)).one()
        assert (row.uuid, row.cancelled_at) == (uuid, datetime(2026, 3, 15, 11, 30))
    again = import_folder(url, tmp_path / "sat")
    assert again.ok and again.inserted == 0


def test_substitute_of_a_cancelled_invoice_takes_its_period(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    with read_session(url) as s:
        exported_f1 = export.build_period(s, date(2026, 2, 1)).files["F1.xml"]
    sub = pac.substitute(exported_f1, replaces=_uuid(stamped["F1.xml"]), folio=500)
    sub = sub.replace(b'Fecha="2026-03-02T00:00:00"', b'Fecha="2026-04-03T00:00:00"')
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "F500.xml").write_bytes(
        pac.stamp(sub, seed=SEED, stamped_at=datetime(2026, 4, 3, 9)))
    report = import_folder(url, tmp_path / "s")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        invoice = find_invoice(s, "F500")
        assert invoice.period_start == date(2026, 2, 1)  # the substituted invoice's period
        doc = s.scalars(select(CfdiDocument).where(CfdiDocument.invoice_id == invoice.id)).one()
        assert (doc.relation_type, doc.related_uuids) == ("04", _uuid(stamped["F1.xml"]))


def _as_33(xml: bytes) -> bytes:
    return (xml.replace(b"http://www.sat.gob.mx/cfd/4", b"http://www.sat.gob.mx/cfd/3")
            .replace(b'Version="4.0"', b'Version="3.3"'))


def test_cfdi_33_of_a_known_invoice_is_kept_as_history(url, tmp_path) -> None:
    with write_session(url) as s:
        post_invoice(s, folio=3)
    unsigned = _as_33(exported(url).files["F3.xml"])
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "F3.xml").write_bytes(
        pac.stamp(unsigned, seed=SEED, stamped_at=datetime(2026, 3, 2, 9)))
    report = import_folder(url, tmp_path / "h")
    assert report.ok, [str(e) for e in report.errors]
    with read_session(url) as s:
        doc = s.scalars(select(CfdiDocument)).one()
        assert (doc.version, doc.import_outcome) == ("3.3", "history")


# --------------------------------------------------------------------------- refusals


def _refused(url: str, folder: Path, name: str, data: bytes, node: str, reason: str) -> None:
    """Importing `data` as `name` is refused, naming the file and `node`, with `reason`
    in the message, and writes nothing at all (audit log included)."""
    before = state(url)
    target = folder / "bad"
    target.mkdir(exist_ok=True)
    for old in target.iterdir():
        old.unlink()
    (target / name).write_bytes(data)
    report = import_folder(url, target)
    assert not report.ok
    text = " | ".join(str(e) for e in report.errors)
    assert text.startswith(name), text
    assert node in text, text
    assert reason.lower() in text.lower(), text
    assert state(url) == before


def test_not_xml(url, tmp_path) -> None:
    _refused(url, tmp_path, "F1.xml", b"%PDF-1.7 not a cfdi", "", "is not XML")


def test_xml_that_is_not_a_cfdi(url, tmp_path) -> None:
    _refused(url, tmp_path, "pedido.xml", b'<?xml version="1.0"?><Pedido Folio="1"/>', "",
             "not a CFDI")


def test_truncated_file(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    _refused(url, tmp_path, "F2.xml", stamped["F2.xml"][:900], "", "not well-formed")


def test_xml_bomb_is_refused_before_expansion(url, tmp_path) -> None:
    entities = b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 12))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE cfdi:Comprobante [<!ENTITY a0 "lol">'
            + entities + b']><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">'
            b"&a11;</cfdi:Comprobante>")
    # the "billion laughs" shape: 10^11 copies of "lol" if it were ever expanded
    _refused(url, tmp_path, "bomb.xml", bomb, "", "DTD or entities")


def test_another_issuers_rfc(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    other = stamped["F2.xml"].replace(b'Rfc="SIM160301K55"', b'Rfc="OTR010101AAA"')
    _refused(url, tmp_path, "recibida.xml", other, "cfdi:Emisor/@Rfc", "not the company")


def test_pago_whose_balances_do_not_add_up(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    bad = _receipt(url, _uuid(stamped["F2.xml"]), balance="3220.16", paid="1000.00",
                   after="2220.00")
    _refused(url, tmp_path, "CP1.xml", bad, "pago:DoctoRelacionado/@ImpSaldoInsoluto",
             "a difference of -0.16")


def test_pago_whose_previous_balance_is_not_the_open_amount(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    bad = _receipt(url, _uuid(stamped["F2.xml"]), balance="3000.00", paid="1000.00")
    _refused(url, tmp_path, "CP1.xml", bad, "@ImpSaldoAnt", "open amount just before")


def test_pago_for_an_unknown_uuid(url, tmp_path) -> None:
    _stamped_world(url, tmp_path / "in")
    bad = _receipt(url, pac.uuid_for(1, "nobody"), balance="100.00", paid="100.00")
    _refused(url, tmp_path, "CP1.xml", bad, "@IdDocumento", "no imported invoice")


def test_duplicate_uuid_with_different_content(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    changed = stamped["F2.xml"].replace(b'Total="3220.16"', b'Total="3220.17"', 1)
    _refused(url, tmp_path, "F2-copia.xml", changed, "tfd:TimbreFiscalDigital/@UUID",
             "different content")


def test_egreso_without_a_related_invoice(url, tmp_path) -> None:
    _stamped_world(url, tmp_path / "in")
    with write_session(url) as s:
        post_credit_note(s, find_invoice(s, "F1"), issued_on=date(2026, 3, 1))
    with read_session(url) as s:
        note = export.build_period(s, date(2026, 2, 1)).files["NC1.xml"]
    unrelated = re.sub(rb"<cfdi:CfdiRelacionados.*?</cfdi:CfdiRelacionados>", b"", note,
                       flags=re.S)
    stamped = pac.stamp(unrelated, seed=SEED, stamped_at=datetime(2026, 3, 2, 9))
    _refused(url, tmp_path, "NC1.xml", stamped, "cfdi:CfdiRelacionados", "TipoRelacion 01")


def test_cfdi_33_that_would_create_an_invoice(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    unknown = _as_33(stamped["F2.xml"]).replace(b'Folio="2"', b'Folio="77"', 1)
    unknown = re.sub(rb'UUID="[^"]*"', f'UUID="{pac.uuid_for(4, "old")}"'.encode(), unknown)
    _refused(url, tmp_path, "viejo.xml", unknown, "cfdi:Comprobante/@Version",
             "accepted for history only")


def test_pagos_10_is_refused(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    receipt = _receipt(url, _uuid(stamped["F2.xml"]), balance="3220.16", paid="1000.00")
    old = receipt.replace(b"http://www.sat.gob.mx/Pagos20", b"http://www.sat.gob.mx/Pagos")
    _refused(url, tmp_path, "CP-old.xml", old, "pago:Pagos", "Pagos 1.0")


def test_unstamped_cfdi(url, tmp_path) -> None:
    with write_session(url) as s:
        post_invoice(s)
    _refused(url, tmp_path, "F1.xml", exported(url).files["F1.xml"],
             "tfd:TimbreFiscalDigital", "not stamped")


def test_outside_invoice_without_a_contract(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    outside = stamped["F2.xml"].replace(b'Folio="2"', b'Folio="8000"', 1)
    outside = re.sub(rb' NoIdentificacion="C1"', b"", outside)
    outside = re.sub(rb'UUID="[^"]*"', f'UUID="{pac.uuid_for(3, "x")}"'.encode(), outside)
    _refused(url, tmp_path, "ERP8000.xml", outside, "cfdi:Concepto/@NoIdentificacion",
             "is absent")


def test_metadata_row_with_a_bad_date_names_line_and_column(url, tmp_path) -> None:
    stamped = _stamped_world(url, tmp_path / "in")
    cancelled = pac.Cancellation(_uuid(stamped["F1.xml"]), CUSTOMER_RFC, "Cliente A1",
                                 datetime(2026, 3, 2), datetime(2026, 3, 2, 10),
                                 Decimal("2900.00"), datetime(2026, 3, 15, 11, 30))
    data = pac.metadata_file(_config(url), [cancelled]).replace(b"2026-03-15 11:30:00",
                                                                b"15/03/2026")
    _refused(url, tmp_path, "metadata.txt", data, "line 2, column 'FechaCancelacion'",
             "date and time")


def test_a_refused_file_does_not_stop_the_others(url, tmp_path) -> None:
    with write_session(url) as s:
        post_invoice(s, folio=1)
        post_invoice(s, folio=2)
    stamp_all(exported(url), tmp_path / "in")
    (tmp_path / "in" / "junk.xml").write_bytes(b"<nope")
    report = import_folder(url, tmp_path / "in")
    assert not report.ok and report.inserted == 2
    assert report.file("junk.xml").status == "refused"
    assert report.file("F1.xml").committed
