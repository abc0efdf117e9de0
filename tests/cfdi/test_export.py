"""CFDI out (docs/cfdi.md): the XML's taxes equal the invoice's to the cent with the line
taxes stored by the billing run, on adversarial line sets and the three-line example of
"Tax per line"; the XML parses with satcfdi and validates against the CFDI 4.0 schema; a second
export writes identical bytes; documents that cannot be CFDI are reported, not written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from satcfdi.cfdi import CFDI
from sqlalchemy import select

from operational_app.cfdi import build, export, schema
from operational_app.domain import billing, writes
from operational_app.domain.lookups import find_contract
from operational_app.domain.taxes import document_tax
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import Account, Invoice, InvoiceLine
from seiton import cli
from tests.cfdi.conftest import exported
from tests.cfdi.helpers import post_credit_note, post_invoice

NS = {"cfdi": "http://www.sat.gob.mx/cfd/4"}


def _taxes(xml: bytes) -> tuple[list[Decimal], Decimal, etree._Element]:
    root = etree.fromstring(xml)
    lines = [Decimal(t.get("Importe")) for t in root.findall(
        "cfdi:Conceptos/cfdi:Concepto/cfdi:Impuestos/cfdi:Traslados/cfdi:Traslado", NS)]
    total = Decimal(root.find("cfdi:Impuestos", NS).get("TotalImpuestosTrasladados"))
    return lines, total, root


def test_the_spec_example_three_lines_of_five_cents(url: str) -> None:
    with write_session(url) as s:
        post_invoice(s, specs=[("overage", "Excedente", "1", "0.05", "0.05")] * 3)
    report = exported(url)
    lines, total, root = _taxes(report.files["F1.xml"])
    assert lines == [Decimal("0.01"), Decimal("0.01"), Decimal("0.00")]
    assert total == Decimal("0.02") == document_tax(Decimal("0.15"), Decimal("0.16"))
    assert (root.get("SubTotal"), root.get("Total")) == ("0.15", "0.17")


ADVERSARIAL = {
    "many tiny lines": [("overage", f"Excedente {n}", "1", "0.03", "0.03")
                        for n in range(1, 121)],
    "one big and many tiny": [("fixed_fee", "Renta", "1", "99999.99", "99999.99")]
                             + [("overage", f"Excedente {n}", "1", "0.01", "0.01")
                                for n in range(1, 61)],
    "half cents everywhere": [("overage", f"Tramo {n}", "15", "0.123", "1.85")
                              for n in range(1, 31)],
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_line_sets_add_up_to_the_invoice_tax(url: str, name: str) -> None:
    with write_session(url) as s:
        invoice = post_invoice(s, specs=ADVERSARIAL[name])
        tax, subtotal, total = invoice.tax_amount, invoice.subtotal, invoice.total
    report = exported(url)
    assert report.ok, report.errors
    lines, xml_tax, root = _taxes(report.files["F1.xml"])
    assert sum(lines) == xml_tax == tax
    assert Decimal(root.get("SubTotal")) == subtotal and Decimal(root.get("Total")) == total
    for concepto, line_tax in zip(root.findall("cfdi:Conceptos/cfdi:Concepto", NS), lines,
                                  strict=True):
        exact = Decimal(concepto.get("Importe")) * Decimal("0.16")
        assert abs(line_tax - exact) < Decimal("0.01")  # its floor or its ceiling
    assert schema.validate(root, unsigned=True) == []


def test_usd_invoice_carries_its_fixed_exchange_rate(url: str) -> None:
    with write_session(url) as s:
        contract = find_contract(s, "C1")
        from operational_app.domain import formalization
        formalization.create_contract(s, "t", contract_number="CUSD", account_code="A1",
                                      start_date="2026-01-01", end_date="2027-12-31",
                                      currency="USD", payment_terms_days=0,
                                      activated_on=None)
        usd = find_contract(s, "CUSD")
        writes.update(s, "t", usd, "CUSD", activated_on=date(2026, 1, 5))
        assert contract.currency == "MXN"
        invoice = post_invoice(s, folio=7, contract_number="CUSD", exchange_rate=Decimal(
            "17.250000"), specs=[("fixed_fee", "Renta", "1", "333.33", "333.33"),
                                 ("overage", "Excedente", "7", "0.035", "0.25")] * 4)
        tax = invoice.tax_amount
    report = exported(url)
    assert report.ok, report.errors
    lines, xml_tax, root = _taxes(report.files["F7.xml"])
    assert sum(lines) == xml_tax == tax
    assert root.get("Moneda") == "USD" and root.get("TipoCambio") == "17.250000"
    assert (root.get("MetodoPago"), root.get("FormaPago")) == ("PUE", "03")  # 0 days: PUE
    assert schema.validate(root, unsigned=True) == []


def test_export_parses_with_satcfdi_and_validates_against_the_schema(url: str) -> None:
    with write_session(url) as s:
        invoice = post_invoice(s, specs=[("fixed_fee", "Renta mensual", "1", "2500", "2500.00"),
                                         ("overage", "Excedente mono", "2300", "0.12",
                                          "276.00")])
        post_credit_note(s, invoice)
    report = exported(url)
    assert set(report.files) == {"F1.xml", "NC1.xml"}
    parsed = CFDI.from_string(report.files["F1.xml"])
    assert parsed["Total"] == Decimal("3220.16") and parsed["MetodoPago"] == "PPD"
    assert parsed["Receptor"]["Rfc"] == "ACE010203AB1"
    assert [c["NoIdentificacion"] for c in parsed["Conceptos"]] == ["C1", "C1"]
    for xml in report.files.values():
        root = etree.fromstring(xml)
        assert root.get("Sello") == root.get("NoCertificado") == root.get("Certificado") == ""
        assert schema.validate(root, unsigned=True) == []
    # the unsigned file is not yet a valid CFDI: only the signing fills NoCertificado
    assert schema.validate(etree.fromstring(report.files["F1.xml"]))
    note = CFDI.from_string(report.files["NC1.xml"])
    assert note["TipoDeComprobante"] == "E" and note["Receptor"]["UsoCFDI"] == "G02"


def test_a_second_export_writes_identical_bytes(url: str, tmp_path) -> None:
    with write_session(url) as s:
        post_invoice(s, specs=[("overage", "Excedente", "3", "0.333333", "1.00")] * 5)
        post_invoice(s, folio=2)
    first = exported(url)
    second = exported(url)
    assert first.files == second.files and len(first.files) == 2
    export.write_files(first, tmp_path / "a")
    export.write_files(second, tmp_path / "b")
    for name in first.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert export.as_zip(first) == export.as_zip(second)


def test_invoice_without_lines_is_one_concepto_for_its_subtotal(url: str) -> None:
    with write_session(url) as s:
        billing.issue_invoice(s, "t", invoice_number="M-77", contract_number="C1",
                              period_start="2026-02-01", issued_on="2026-03-03",
                              subtotal="1000.05", tax_amount="160.01", total="1160.06",
                              currency="MXN")
    report = exported(url)
    lines, tax, root = _taxes(report.files["M-77.xml"])
    assert lines == [Decimal("160.01")] and tax == Decimal("160.01")
    assert root.get("Folio") == "M-77" and root.get("Serie") is None
    assert "febrero de 2026" in root.find("cfdi:Conceptos/cfdi:Concepto", NS).get("Descripcion")


def test_documents_that_cannot_be_cfdi_are_reported_and_not_written(url: str) -> None:
    with write_session(url) as s:
        post_invoice(s, folio=1)
        bad = post_invoice(s, folio=2)
        # a line tax that is neither the floor nor the ceiling of its exact tax
        line = s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == bad.id)).one()
        s.execute(InvoiceLine.__table__.insert().values(
            invoice_id=bad.id, line_number=2, kind="overage", description="x",
            quantity="1", unit_price="0.05", amount="0.05", tax_amount="0.05",
            is_estimated=False, created_at=line.created_at, created_by="t",
            updated_at=line.created_at))
        other = Account(account_code="A2", name="Sin datos", tax_rate=Decimal("0.16"))
        s.add(other)
    report = exported(url)
    assert "F1.xml" in report.files and "F2.xml" not in report.files
    assert any(e.startswith("F2:") and "rounded down" in e for e in report.errors)


def test_missing_fiscal_data_names_what_is_missing(url: str) -> None:
    with write_session(url) as s:
        post_invoice(s)
        account = s.scalars(select(Account)).first()
        writes.update(s, "t", account, "A1", fiscal_postal_code=None)
    report = exported(url)
    assert not report.files
    assert "fiscal_postal_code" in report.errors[0]


def test_cli_exports_the_period_and_fails_on_a_bad_period(url: str, tmp_path, monkeypatch,
                                                          capsys) -> None:
    monkeypatch.setenv("SEITON_OPERATIONAL_URL", url)
    monkeypatch.setenv("SEITON_HOME", str(tmp_path / "home"))
    with write_session(url) as s:
        post_invoice(s)
    assert cli.main(["cfdi", "export", "2026-02", "--to", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "F1.xml").exists()
    assert cli.main(["cfdi", "export", "2026-02"]) == 0
    assert (tmp_path / "home" / "cfdi" / "export" / "2026-02" / "F1.xml").read_bytes() == \
        (tmp_path / "out" / "F1.xml").read_bytes()
    assert cli.main(["cfdi", "export", "March"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
    with read_session(url) as s:
        assert s.scalar(select(Invoice.invoice_number)) == "F1"


def test_importe_outside_the_sat_limits_is_refused() -> None:
    line = build.Line("overage", "x", Decimal("15"), Decimal("0.123"), Decimal("2.00"),
                      Decimal("0.30"))
    with pytest.raises(build.BuildError, match="outside the SAT's limits"):
        build.check_importe(line)
    build.check_importe(build.Line("overage", "x", Decimal("15"), Decimal("0.123"),
                                   Decimal("1.85"), Decimal("0.30")))
