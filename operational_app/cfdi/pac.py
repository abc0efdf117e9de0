"""A simulated PAC, for the demo business and the tests (docs/cfdi.md, "The simulated PAC").

A real PAC receives the company's sealed CFDI and returns it stamped. This one does the
same to an exported, unsigned CFDI: it fills the seal (`Sello`, `NoCertificado`,
`Certificado`) with placeholders and adds the TimbreFiscalDigital 1.1 — UUID, FechaTimbrado,
RfcProvCertif, SelloCFD, NoCertificadoSAT, SelloSAT. Everything is deterministic from a
seed and the document, so a demo generated twice stamps the same UUIDs. The seals are not
cryptographic signatures (no certificate exists here): nothing outside the demo may trust
them.

It also writes what the demo's story needs next: CFDI de pago (Pagos 2.0) for payments, a
substitute invoice (TipoRelacion 04) and the SAT's metadata file of cancellations.
"""

from __future__ import annotations

import base64
import hashlib
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree
from satcfdi.create.cfd import cfdi40, pago20

from operational_app.cfdi import metadata, reader
from operational_app.domain.fiscal import FiscalConfig

PAC_RFC = "SPR190613I52"  # the simulated provider's RFC (RfcProvCertif)
PAC_CERTIFICATE = "30001000000500003456"  # NoCertificadoSAT, 20 digits
COMPANY_CERTIFICATE = "30001000000400002495"
TFD_NS = reader.NS["tfd"]
CFDI_NS = reader.NS["cfdi"]
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CENT = Decimal("0.01")


def uuid_for(seed: int | str, key: str) -> str:
    """A UUID (version 4 layout) derived from the seed and a key: stable across runs."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return str(uuidlib.UUID(bytes=digest[:16], version=4)).upper()


def _seal(seed: int | str, what: str, data: bytes) -> str:
    return base64.b64encode(hashlib.sha512(f"{seed}:{what}:".encode() + data).digest()).decode()


def stamp(xml: bytes, *, seed: int | str, stamped_at: datetime) -> bytes:
    """The stamped CFDI: the exported XML sealed with placeholders, with its
    TimbreFiscalDigital 1.1 in `cfdi:Complemento`. The UUID is derived from the seed and
    the document's own bytes, so the same document stamps the same way."""
    root = reader.parse_xml(xml)
    body = etree.tostring(root)
    root.set("NoCertificado", COMPANY_CERTIFICATE)
    root.set("Certificado", base64.b64encode(f"certificado-simulado-{seed}".encode()).decode())
    root.set("Sello", _seal(seed, "cfd", body))
    ns = etree.QName(root).namespace
    complemento = root.find(f"{{{ns}}}Complemento")
    if complemento is None:
        complemento = etree.SubElement(root, f"{{{ns}}}Complemento")
        addenda = root.find(f"{{{ns}}}Addenda")
        if addenda is not None:  # Complemento precedes Addenda
            addenda.addprevious(complemento)
    tfd = etree.SubElement(complemento, f"{{{TFD_NS}}}TimbreFiscalDigital",
                           nsmap={"tfd": TFD_NS})
    tfd.set(f"{{{XSI_NS}}}schemaLocation",
            f"{TFD_NS} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/"
            "TimbreFiscalDigitalv11.xsd")
    tfd.set("Version", "1.1")
    tfd.set("UUID", uuid_for(seed, hashlib.sha256(body).hexdigest()))
    tfd.set("FechaTimbrado", stamped_at.replace(microsecond=0).isoformat())
    tfd.set("RfcProvCertif", PAC_RFC)
    tfd.set("SelloCFD", root.get("Sello"))
    tfd.set("NoCertificadoSAT", PAC_CERTIFICATE)
    tfd.set("SelloSAT", _seal(seed, "sat", body))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def stamped_uuid(xml: bytes) -> str:
    return reader.read(xml).uuid


# --------------------------------------------------------------------------- pagos


@dataclass(frozen=True)
class Receiver:
    rfc: str
    name: str
    postal_code: str
    regime: str


@dataclass(frozen=True)
class PaidInvoice:
    """One DoctoRelacionado: the invoice's UUID, its balance before this payment (its open
    amount), what this payment pays of it, the installment number and the IVA rate."""

    uuid: str
    currency: str
    balance_before: Decimal
    paid: Decimal
    installment: int = 1
    tax_rate: Decimal = Decimal("0.16")
    series: str | None = None
    folio: str | None = None


def payment_receipt(issuer: FiscalConfig, receiver: Receiver, *, paid_at: datetime,
                    invoices: Sequence[PaidInvoice], issued_at: datetime, series: str = "CP",
                    folio: int = 1, forma_pago: str = "03",
                    exchange_rate: Decimal | None = None) -> bytes:
    """An unsigned CFDI de pago (TipoDeComprobante P, Pagos 2.0) for one payment received
    on `paid_at`, paying `invoices` in their currency; stamp it with `stamp()`. Issued
    late when `issued_at` is past the 5th of the month after the payment."""
    currency = invoices[0].currency
    doctos = []
    for inv in invoices:
        base = (inv.paid / (1 + inv.tax_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        doctos.append(pago20.DoctoRelacionado(
            id_documento=inv.uuid, moneda_dr=inv.currency, num_parcialidad=inv.installment,
            imp_saldo_ant=inv.balance_before, imp_pagado=inv.paid, objeto_imp_dr="02",
            serie=inv.series, folio=inv.folio, equivalencia_dr=Decimal(1),
            impuestos_dr={"TrasladosDR": [{
                "BaseDR": base, "ImpuestoDR": "002", "TipoFactorDR": "Tasa",
                "TasaOCuotaDR": inv.tax_rate.quantize(Decimal("0.000001")),
                "ImporteDR": inv.paid - base}]}))
    complemento = pago20.Pagos(pago=[pago20.Pago(
        fecha_pago=paid_at, forma_de_pago_p=forma_pago, moneda_p=currency,
        docto_relacionado=doctos,
        tipo_cambio_p=exchange_rate if currency != "MXN" else Decimal(1))])
    comprobante = cfdi40.Comprobante.pago(
        emisor=cfdi40.Emisor(rfc=issuer.rfc, nombre=issuer.name, regimen_fiscal=issuer.regime),
        lugar_expedicion=issuer.postal_code,
        receptor=cfdi40.Receptor(rfc=receiver.rfc, nombre=receiver.name.upper(),
                                 domicilio_fiscal_receptor=receiver.postal_code,
                                 regimen_fiscal_receptor=receiver.regime, uso_cfdi="CP01"),
        complemento_pago=complemento, serie=series, folio=str(folio),
        fecha=issued_at.replace(microsecond=0))
    return comprobante.xml_bytes(pretty_print=True, xml_declaration=True)


# --------------------------------------------------------------------------- substitutes


def substitute(xml: bytes, *, replaces: str, folio: int) -> bytes:
    """An unsigned substitute of an exported invoice: the same CFDI under a new folio,
    naming the cancelled CFDI's UUID with TipoRelacion 04 (stamp it with `stamp()`)."""
    root = reader.parse_xml(xml)
    for node in root.findall(f"{{{CFDI_NS}}}CfdiRelacionados"):
        root.remove(node)
    for tfd in root.iter(f"{{{TFD_NS}}}TimbreFiscalDigital"):
        tfd.getparent().remove(tfd)
    root.set("Folio", str(folio))
    for name in ("Sello", "NoCertificado", "Certificado"):
        root.set(name, "")
    related = etree.Element(f"{{{CFDI_NS}}}CfdiRelacionados", TipoRelacion="04")
    etree.SubElement(related, f"{{{CFDI_NS}}}CfdiRelacionado", UUID=replaces)
    root.insert(0, related)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------- cancellations


@dataclass(frozen=True)
class Cancellation:
    uuid: str
    receiver_rfc: str
    receiver_name: str
    issued_at: datetime
    stamped_at: datetime
    amount: Decimal
    cancelled_at: datetime
    effect: str = "I"


def metadata_file(issuer: FiscalConfig, cancellations: Sequence[Cancellation],
                  in_force: Sequence[Cancellation] = ()) -> bytes:
    """The SAT's metadata export: a `~`-separated file with its header; cancelled rows
    (Estatus 0, with FechaCancelacion) and, optionally, rows still in force (Estatus 1)."""
    lines = [metadata.HEADER]

    def row(c: Cancellation, status: str) -> str:
        cancelled = c.cancelled_at.strftime("%Y-%m-%d %H:%M:%S") if status == "0" else ""
        return "~".join([c.uuid, issuer.rfc or "", issuer.name or "", c.receiver_rfc,
                         c.receiver_name, PAC_RFC, c.issued_at.strftime("%Y-%m-%d %H:%M:%S"),
                         c.stamped_at.strftime("%Y-%m-%d %H:%M:%S"), f"{c.amount:.2f}",
                         c.effect, status, cancelled])

    lines += [row(c, "0") for c in cancellations]
    lines += [row(c, "1") for c in in_force]
    return ("\n".join(lines) + "\n").encode("utf-8")
