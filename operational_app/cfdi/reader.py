"""A stamped CFDI's bytes → the facts the import needs, read safely (docs/cfdi.md, "CFDI in").

Untrusted XML: no DTD is accepted at all (a `<!DOCTYPE` or `<!ENTITY` is refused before
parsing, so an entity-expansion bomb costs nothing), entities are never resolved, nothing is
fetched from the network and lxml's huge-tree limits stay on. Every problem names the node
and attribute at fault, with the line of the node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from operational_app.domain import messages

NS = {
    "cfdi": "http://www.sat.gob.mx/cfd/4",
    "cfdi3": "http://www.sat.gob.mx/cfd/3",
    "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital",
    "pago20": "http://www.sat.gob.mx/Pagos20",
    "pago10": "http://www.sat.gob.mx/Pagos",
}
PREFIX = {uri: prefix for prefix, uri in NS.items()}
UUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                     r"[0-9A-Fa-f]{12}$")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


class XmlRefused(Exception):
    """The file is not an acceptable CFDI. `node` is a path such as
    `cfdi:Comprobante/cfdi:Emisor/@Rfc` ('' when the file as a whole is at fault)."""

    def __init__(self, node: str, template: str, line: int | None = None,
                 params: dict[str, Any] | None = None):
        self.template, self.params = template, dict(params or {})
        reason = messages.render(template, self.params)
        super().__init__(f"{node}: {reason}" if node else reason)
        self.node, self.reason, self.line = node, reason, line

    def text(self, lang: str) -> str:
        return messages.render(self.template, self.params, lang)


@dataclass
class Related:
    relation_type: str
    uuids: list[str]


@dataclass
class Concept:
    no_identificacion: str | None
    line: int | None


@dataclass
class DoctoRelacionado:
    path: str
    line: int | None
    id_documento: str
    currency: str
    equivalence: Decimal
    installment: int
    balance_before: Decimal
    paid: Decimal
    balance_after: Decimal


@dataclass
class Pago:
    number: int
    path: str
    line: int | None
    paid_at: datetime
    amount: Decimal
    currency: str
    exchange_rate: Decimal | None
    doctos: list[DoctoRelacionado] = field(default_factory=list)


@dataclass
class Cfdi:
    version: str
    cfdi_type: str
    series: str | None
    folio: str | None
    issued_at: datetime
    currency: str
    exchange_rate: Decimal | None
    payment_method: str | None
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    issuer_rfc: str
    receiver_rfc: str
    receiver_name: str | None
    uuid: str
    stamped_at: datetime
    pac_rfc: str | None
    relations: list[Related] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    pagos: list[Pago] = field(default_factory=list)
    pagos_version: str | None = None

    def related(self, relation_type: str) -> list[str]:
        return [u for r in self.relations if r.relation_type == relation_type for u in r.uuids]


# --------------------------------------------------------------------------- helpers


def _name(el: etree._Element) -> str:
    q = etree.QName(el)
    prefix = PREFIX.get(q.namespace or "", "")
    prefix = "cfdi" if prefix == "cfdi3" else "pago" if prefix.startswith("pago") else prefix
    return f"{prefix}:{q.localname}" if prefix else q.localname


class _Node:
    """An element with its path, for errors that name where they are."""

    def __init__(self, el: etree._Element, path: str):
        self.el, self.path = el, path

    def child(self, ns: str, name: str, *, required: bool = True) -> _Node | None:
        found = self.el.find(f"{{{ns}}}{name}")
        if found is None:
            if required:
                raise XmlRefused(f"{self.path}/{PREFIX_OF(ns)}:{name}", "the node is missing",
                                 self.el.sourceline)
            return None
        return _Node(found, f"{self.path}/{_name(found)}")

    def children(self, ns: str, name: str) -> list[_Node]:
        found = self.el.findall(f"{{{ns}}}{name}")
        return [_Node(el, f"{self.path}/{_name(el)}[{i}]" if len(found) > 1 else
                      f"{self.path}/{_name(el)}") for i, el in enumerate(found, start=1)]

    def fail(self, attr: str | None, template: str, /, **params: Any) -> XmlRefused:
        return XmlRefused(f"{self.path}/@{attr}" if attr else self.path, template,
                          self.el.sourceline, params)

    def text(self, attr: str, *, required: bool = True) -> str | None:
        value = self.el.get(attr)
        if value is None or value.strip() == "":
            if required:
                raise self.fail(attr, "the attribute is missing")
            return None
        return value.strip()

    def decimal(self, attr: str, *, required: bool = True) -> Decimal | None:
        raw = self.text(attr, required=required)
        if raw is None:
            return None
        if not _DECIMAL.match(raw):
            raise self.fail(attr, "must be a decimal number, not {raw!r}", raw=raw[:40])
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern already holds
            raise self.fail(attr, "must be a decimal number, not {raw!r}", raw=raw[:40]) from None

    def money(self, attr: str, *, required: bool = True) -> Decimal | None:
        value = self.decimal(attr, required=required)
        if value is not None and value != value.quantize(Decimal("0.01")):
            raise self.fail(attr, "{value} has more than 2 decimals", value=value)
        return value.quantize(Decimal("0.01")) if value is not None else None

    def moment(self, attr: str) -> datetime:
        raw = self.text(attr)
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise self.fail(attr, "must be a date and time AAAA-MM-DDThh:mm:ss, not {raw!r}",
                            raw=raw[:40]) from None
        return moment.replace(tzinfo=None, microsecond=0)

    def integer(self, attr: str) -> int:
        raw = self.text(attr)
        if not raw.isdigit() or len(raw) > 9:
            raise self.fail(attr, "must be a whole number, not {raw!r}", raw=raw[:40])
        return int(raw)


def PREFIX_OF(ns: str) -> str:  # noqa: N802 - reads like the constant it looks up
    return {"http://www.sat.gob.mx/cfd/3": "cfdi"}.get(ns, PREFIX.get(ns, ""))


# --------------------------------------------------------------------------- parsing


def parse_xml(data: bytes) -> etree._Element:
    """Well-formed XML without any DTD, or XmlRefused with the reason."""
    head = data.lstrip()[:1]
    if head not in (b"<", b"\xef"):  # "\xef": a UTF-8 byte-order mark
        raise XmlRefused("", "is not XML (it does not start with '<')")
    if _DTD.search(data):
        raise XmlRefused("", "declares a DTD or entities (<!DOCTYPE>/<!ENTITY>): refused "
                             "(a CFDI has none; this is how XML entity-expansion attacks "
                             "start)")
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise XmlRefused("", "is not well-formed XML (truncated or damaged?): {msg}",
                         line, params={"msg": exc.msg}) from None


def read(data: bytes) -> Cfdi:
    """The CFDI in `data` (4.0, or 3.3 for history), stamped; XmlRefused otherwise."""
    root = parse_xml(data)
    q = etree.QName(root)
    if q.localname != "Comprobante" or q.namespace not in (NS["cfdi"], NS["cfdi3"]):
        raise XmlRefused("", "the root element is {localname!r} ({value}), not "
                             "cfdi:Comprobante of http://www.sat.gob.mx/cfd/4: not a CFDI", root.sourceline, params={
                                                                                                                     "localname": q.localname,
                                                                                                                     "value": q.namespace or 'no namespace'})
    ns = q.namespace
    top = _Node(root, "cfdi:Comprobante")
    version = root.get("Version") or root.get("version")
    wanted = "4.0" if ns == NS["cfdi"] else "3.3"
    if version != wanted:
        raise top.fail("Version", "a {ns} Comprobante must be version {wanted}, not "
                                  "{version!r} (CFDI 4.0 is read; 3.3 for history)", ns=ns,
                       wanted=wanted, version=version)
    cfdi_type = top.text("TipoDeComprobante")
    if cfdi_type not in ("I", "E", "P"):
        raise top.fail("TipoDeComprobante", "{cfdi_type!r}: only ingresos (I), egresos (E) and "
                                            "pagos (P) are imported", cfdi_type=cfdi_type)
    emisor = top.child(ns, "Emisor")
    receptor = top.child(ns, "Receptor")
    complemento = top.child(ns, "Complemento", required=False)
    tfd = complemento.child(NS["tfd"], "TimbreFiscalDigital", required=False) \
        if complemento is not None else None
    if tfd is None:
        raise XmlRefused("cfdi:Comprobante/cfdi:Complemento/tfd:TimbreFiscalDigital",
                         "the CFDI is not stamped: import the XML the PAC returned, with its "
                         "TimbreFiscalDigital", root.sourceline)
    uuid = tfd.text("UUID")
    if not UUID_RE.match(uuid):
        raise tfd.fail("UUID", "{uuid!r} is not a UUID (8-4-4-4-12 hexadecimal digits)",
                       uuid=uuid[:40])
    impuestos = top.child(ns, "Impuestos", required=False)
    tax = impuestos.money("TotalImpuestosTrasladados", required=False) \
        if impuestos is not None else None
    cfdi = Cfdi(
        version=version, cfdi_type=cfdi_type, series=top.text("Serie", required=False),
        folio=top.text("Folio", required=False), issued_at=top.moment("Fecha"),
        currency=top.text("Moneda"), exchange_rate=top.decimal("TipoCambio", required=False),
        payment_method=top.text("MetodoPago", required=False),
        subtotal=top.money("SubTotal"), tax_amount=tax or Decimal("0.00"),
        total=top.money("Total"), issuer_rfc=emisor.text("Rfc").upper(),
        receiver_rfc=receptor.text("Rfc").upper(),
        receiver_name=receptor.text("Nombre", required=False),
        uuid=uuid.upper(), stamped_at=tfd.moment("FechaTimbrado"),
        pac_rfc=tfd.text("RfcProvCertif", required=False),
    )
    for rel_node in (top.children(ns, "CfdiRelacionados")
                     if ns == NS["cfdi"] else [n for n in [top.child(ns, "CfdiRelacionados",
                                                                     required=False)] if n]):
        uuids = []
        for item in rel_node.children(ns, "CfdiRelacionado"):
            related = item.text("UUID")
            if not UUID_RE.match(related):
                raise item.fail("UUID", "{related!r} is not a UUID", related=related[:40])
            uuids.append(related.upper())
        cfdi.relations.append(Related(rel_node.text("TipoRelacion"), uuids))
    conceptos = top.child(ns, "Conceptos")
    cfdi.concepts = [Concept(c.text("NoIdentificacion", required=False), c.el.sourceline)
                     for c in conceptos.children(ns, "Concepto")]
    if cfdi_type == "P":
        _read_pagos(cfdi, complemento)
    return cfdi


def _read_pagos(cfdi: Cfdi, complemento: _Node) -> None:
    pagos = complemento.child(NS["pago20"], "Pagos", required=False)
    if pagos is None:
        old = complemento.child(NS["pago10"], "Pagos", required=False)
        where = "cfdi:Comprobante/cfdi:Complemento/pago:Pagos"
        if old is not None:
            raise XmlRefused(where, "is Pagos 1.0 (complemento de pago of CFDI 3.3): only "
                                    "Pagos 2.0 records payments", old.el.sourceline)
        raise XmlRefused(where, "a CFDI de pago needs its Pagos 2.0 complement")
    cfdi.pagos_version = pagos.text("Version")
    if cfdi.pagos_version != "2.0":
        raise pagos.fail("Version", "Pagos {pagos_version} is not 2.0",
                         pagos_version=cfdi.pagos_version)
    for number, node in enumerate(pagos.children(NS["pago20"], "Pago"), start=1):
        pago = Pago(number=number, path=node.path, line=node.el.sourceline,
                    paid_at=node.moment("FechaPago"), amount=node.money("Monto"),
                    currency=node.text("MonedaP"),
                    exchange_rate=node.decimal("TipoCambioP", required=False))
        for d in node.children(NS["pago20"], "DoctoRelacionado"):
            ident = d.text("IdDocumento")
            if not UUID_RE.match(ident):
                raise d.fail("IdDocumento", "{ident!r} is not the UUID of an invoice",
                             ident=ident[:40])
            pago.doctos.append(DoctoRelacionado(
                path=d.path, line=d.el.sourceline, id_documento=ident.upper(),
                currency=d.text("MonedaDR"),
                equivalence=d.decimal("EquivalenciaDR", required=False) or Decimal(1),
                installment=d.integer("NumParcialidad"),
                balance_before=d.money("ImpSaldoAnt"), paid=d.money("ImpPagado"),
                balance_after=d.money("ImpSaldoInsoluto")))
        if not pago.doctos:
            raise node.fail(None, "a Pago needs at least one DoctoRelacionado")
        cfdi.pagos.append(pago)
    if not cfdi.pagos:
        raise pagos.fail(None, "the Pagos complement holds no Pago")
