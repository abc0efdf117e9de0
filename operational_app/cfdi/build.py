"""One posted invoice or credit note → its unsigned CFDI 4.0 XML (docs/cfdi.md, "CFDI out").

Built with satcfdi's `Comprobante`, except for its amounts: satcfdi recomputes each
concepto's Importe as round(Cantidad × ValorUnitario) half-even and rounds each line tax
itself. The product's amounts are already decided — the line amounts as the charge computed
them, the line taxes by domain/taxes.py (largest remainder, summing to the invoice's tax) —
so `_Comprobante.compute` takes them as given and only adds them up. Every amount is then
checked against the document before the XML is returned: SubTotal, the taxes and Total
equal the invoice's to the cent, each line tax is its exact tax rounded down or up, and each
Importe lies within the SAT's limits for Cantidad × ValorUnitario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal

from satcfdi.create.cfd import cfdi40
from satcfdi.create.compute import make_impuestos
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain.fiscal import DEFAULT_CFDI_USE, FiscalConfig
from operational_app.domain.taxes import CENT, document_tax
from operational_app.store.models import (
    Account,
    CfdiCancellation,
    CfdiDocument,
    Contract,
    CreditNote,
    CreditNoteLine,
    FxRate,
    Invoice,
    InvoiceLine,
)

SPANISH_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                  "septiembre", "octubre", "noviembre", "diciembre")
FORMA_PAGO_PPD = "99"  # "por definir": paid later, proven by a CFDI de pago
FORMA_PAGO_PUE = "03"  # transferencia electrónica, the usual way of paying on the spot
FORMA_PAGO_EGRESO = "17"  # compensación: the credit note offsets the invoice
USO_EGRESO = "G02"  # devoluciones, descuentos o bonificaciones
TIPO_RELACION_NOTA_DE_CREDITO = "01"
IVA = "002"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


class BuildError(Exception):
    """The document cannot become a valid CFDI; the reason names what to fix."""


class _Comprobante(cfdi40.Comprobante):
    """satcfdi's Comprobante with the product's amounts: line Importe and taxes as given."""

    def compute(self) -> None:
        conceptos = list(self["Conceptos"])
        self["Conceptos"] = conceptos
        self["SubTotal"] = sum((c["Importe"] for c in conceptos), Decimal("0.00"))
        self["Descuento"] = None
        self["Impuestos"] = impuestos = make_impuestos(conceptos)
        taxes = impuestos.get("TotalImpuestosTrasladados", 0) if impuestos else 0
        self["Total"] = self["SubTotal"] + taxes


@dataclass(frozen=True)
class Line:
    """A concepto to be: the stored line, or the whole subtotal of a document without lines."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    tax_amount: Decimal


def file_name(series: str | None, folio: int | None, number: str) -> str:
    """`<series><folio>.xml` (the run's invoice number), else the document's number."""
    stem = f"{series}{folio}" if series and folio is not None else number
    return _UNSAFE_NAME.sub("_", stem) + ".xml"


def _plain(number: Decimal) -> Decimal:
    """Without trailing zeros (1.000000 → 1), never in exponent form."""
    text = format(number.normalize(), "f")
    return Decimal(text)


def _places(number: Decimal) -> int:
    return max(0, -number.as_tuple().exponent)


def check_importe(line: Line) -> None:
    """The SAT's limits for a concepto's Importe (Anexo 20, Importe): between
    (Cantidad − ½·10⁻ᵈ)(ValorUnitario − ½·10⁻ᵈ) truncated and the same with + rounded up,
    d being each value's decimals as written."""
    q, p = _plain(line.quantity), _plain(line.unit_price)
    half_q = Decimal(5).scaleb(-_places(q) - 1)
    half_p = Decimal(5).scaleb(-_places(p) - 1)
    low = ((q - half_q) * (p - half_p)).quantize(CENT, rounding=ROUND_DOWN)
    high = ((q + half_q) * (p + half_p)).quantize(CENT, rounding=ROUND_CEILING)
    if not low <= line.amount <= high:
        raise BuildError(f"line '{line.description}': Importe {line.amount} is outside the "
                         f"SAT's limits for Cantidad {q} × ValorUnitario {p} ({low} to {high})")


def check_line_tax(line: Line, rate: Decimal) -> None:
    exact = line.amount * rate
    floor = exact.quantize(CENT, rounding=ROUND_FLOOR)
    ceiling = exact.quantize(CENT, rounding=ROUND_CEILING)
    if line.tax_amount not in (floor, ceiling):
        raise BuildError(f"line '{line.description}': tax {line.tax_amount} is not its exact "
                         f"tax {exact} rounded down ({floor}) or up ({ceiling})")


def _period_text(day: date) -> str:
    return f"{SPANISH_MONTHS[day.month - 1]} de {day.year}"


def _single_line(kind: str, description: str, subtotal: Decimal, tax: Decimal) -> Line:
    return Line(kind, description, Decimal(1), subtotal, subtotal, tax)


def _stored_lines(rows: list[InvoiceLine] | list[CreditNoteLine]) -> list[Line]:
    return [Line(r.kind, r.description, r.quantity, r.unit_price, r.amount, r.tax_amount)
            for r in rows]


def _receptor(account: Account, *, egreso: bool) -> cfdi40.Receptor:
    missing = [name for name, value in (("tax_id", account.tax_id),
                                        ("fiscal_postal_code", account.fiscal_postal_code),
                                        ("fiscal_regime", account.fiscal_regime)) if not value]
    if missing:
        raise BuildError(f"account {account.account_code} has no {', '.join(missing)}: the "
                         "CFDI Receptor needs them (accounts.csv or the account's fiscal data)")
    return cfdi40.Receptor(rfc=account.tax_id, nombre=account.name.upper(),
                           domicilio_fiscal_receptor=account.fiscal_postal_code,
                           regimen_fiscal_receptor=account.fiscal_regime,
                           uso_cfdi=USO_EGRESO if egreso else (account.cfdi_use
                                                               or DEFAULT_CFDI_USE))


def _exchange_rate(session: Session, currency: str, fixed: Decimal | None,
                   issued_on: date) -> Decimal | None:
    """USD: the rate fixed at posting, else the rate of the issue date or the nearest
    earlier one (fx_rates); MXN has none."""
    if currency == "MXN":
        return None
    if fixed is not None:
        return fixed
    rate = session.scalar(select(FxRate.mxn_per_unit).where(
        FxRate.currency == currency, FxRate.rate_date <= issued_on)
        .order_by(FxRate.rate_date.desc()).limit(1))
    if rate is None:
        raise BuildError(f"no {currency} exchange rate on or before {issued_on} (fx_rates)")
    return rate


def _conceptos(lines: list[Line], config: FiscalConfig, contract_number: str,
               rate: Decimal) -> list[cfdi40.Concepto]:
    out = []
    for line in lines:
        if line.amount <= 0 or line.quantity <= 0:
            raise BuildError(f"line '{line.description}': a concepto needs a positive "
                             f"quantity and amount (quantity {line.quantity}, amount "
                             f"{line.amount})")
        check_importe(line)
        check_line_tax(line, rate)
        concepto = cfdi40.Concepto(
            clave_prod_serv=config.product_keys[line.kind],
            cantidad=_plain(line.quantity),
            clave_unidad=config.unit_keys[line.kind],
            descripcion=line.description,
            valor_unitario=_plain(line.unit_price),
            objeto_imp="02",
            no_identificacion=contract_number,
            impuestos={"Traslados": [cfdi40.Traslado(
                impuesto=IVA, tipo_factor="Tasa", tasa_o_cuota=rate.quantize(Decimal("0.000001")),
                importe=line.tax_amount, base=line.amount)]},
        )
        concepto["Importe"] = line.amount
        out.append(concepto)
    return out


def _check_totals(comprobante: _Comprobante, subtotal: Decimal, tax: Decimal,
                  total: Decimal, rate: Decimal, what: str) -> None:
    if document_tax(subtotal, rate) != tax:
        raise BuildError(f"{what}: its tax {tax} is not round(subtotal {subtotal} × "
                         f"{rate}, 2) = {document_tax(subtotal, rate)}")
    taxes = (comprobante["Impuestos"] or {}).get("TotalImpuestosTrasladados", Decimal(0))
    for name, built, wanted in (("SubTotal", comprobante["SubTotal"], subtotal),
                                ("TotalImpuestosTrasladados", taxes, tax),
                                ("Total", comprobante["Total"], total)):
        if built != wanted:
            raise BuildError(f"{what}: the CFDI's {name} would be {built}, the document's "
                             f"is {wanted} (its lines do not add up to it)")


# the export's message for it; the CFDI page says it once, by the fields' labels
MISSING_FISCAL_DATA = "the company's fiscal data is not configured"


def _emisor(config: FiscalConfig) -> cfdi40.Emisor:
    missing = config.missing()
    if missing:
        raise BuildError(f"{MISSING_FISCAL_DATA}: "
                         f"{', '.join(missing)} (admin page or SEITON_ISSUER_* variables)")
    return cfdi40.Emisor(rfc=config.rfc, nombre=config.name, regimen_fiscal=config.regime)


def _serie_folio(series: str | None, folio: int | None, number: str) -> tuple[str | None, str]:
    if series and folio is not None:
        return series, str(folio)
    return None, number


def _to_bytes(comprobante: _Comprobante) -> bytes:
    return comprobante.xml_bytes(pretty_print=True, xml_declaration=True)


def invoice_xml(session: Session, invoice: Invoice, config: FiscalConfig) -> bytes:
    contract = session.get(Contract, invoice.contract_id)
    account = session.get(Account, contract.account_id)
    rate = account.tax_rate
    rows = list(session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                .order_by(InvoiceLine.line_number)))
    lines = _stored_lines(rows) or [_single_line(
        "fixed_fee", f"Servicio de impresión administrada, contrato "
                     f"{contract.contract_number}, periodo {_period_text(invoice.period_start)}",
        invoice.subtotal, document_tax(invoice.subtotal, rate))]
    ppd = contract.payment_terms_days > 0
    serie, folio = _serie_folio(invoice.series, invoice.folio, invoice.invoice_number)
    comprobante = _Comprobante(
        emisor=_emisor(config),
        lugar_expedicion=config.postal_code,
        receptor=_receptor(account, egreso=False),
        conceptos=_conceptos(lines, config, contract.contract_number, rate),
        moneda=invoice.currency,
        tipo_de_comprobante="I",
        exportacion="01",
        serie=serie,
        folio=folio,
        forma_pago=FORMA_PAGO_PPD if ppd else FORMA_PAGO_PUE,
        metodo_pago="PPD" if ppd else "PUE",
        tipo_cambio=_exchange_rate(session, invoice.currency, invoice.exchange_rate,
                                   invoice.issued_on),
        fecha=datetime.combine(invoice.issued_on, time(0, 0)),
    )
    _check_totals(comprobante, invoice.subtotal, invoice.tax_amount, invoice.total, rate,
                  f"invoice {invoice.invoice_number}")
    return _to_bytes(comprobante)


def stamped_uuid(session: Session, invoice_id: int) -> str | None:
    """The UUID of the invoice's stamped CFDI that is not cancelled (the latest, if a
    substitute replaced an earlier one)."""
    cancelled = select(CfdiCancellation.uuid)
    return session.scalar(select(CfdiDocument.uuid).where(
        CfdiDocument.invoice_id == invoice_id, CfdiDocument.cfdi_type == "I",
        CfdiDocument.uuid.not_in(cancelled)).order_by(CfdiDocument.stamped_at.desc()).limit(1))


def credit_note_xml(session: Session, note: CreditNote, config: FiscalConfig) -> bytes:
    invoice = session.get(Invoice, note.invoice_id)
    contract = session.get(Contract, invoice.contract_id)
    account = session.get(Account, contract.account_id)
    rate = account.tax_rate
    rows = list(session.scalars(select(CreditNoteLine).where(
        CreditNoteLine.credit_note_id == note.id).order_by(CreditNoteLine.line_number)))
    lines = _stored_lines(rows) or [_single_line(
        "adjustment", f"Nota de crédito a la factura {invoice.invoice_number}, contrato "
                      f"{contract.contract_number}, periodo {_period_text(invoice.period_start)}",
        note.subtotal, document_tax(note.subtotal, rate))]
    related = stamped_uuid(session, invoice.id)
    serie, folio = _serie_folio(note.series, note.folio, note.credit_note_number)
    comprobante = _Comprobante(
        emisor=_emisor(config),
        lugar_expedicion=config.postal_code,
        receptor=_receptor(account, egreso=True),
        conceptos=_conceptos(lines, config, contract.contract_number, rate),
        moneda=invoice.currency,
        tipo_de_comprobante="E",
        exportacion="01",
        serie=serie,
        folio=folio,
        forma_pago=FORMA_PAGO_EGRESO,
        metodo_pago="PUE",
        tipo_cambio=_exchange_rate(session, invoice.currency,
                                   note.exchange_rate or invoice.exchange_rate, note.issued_on),
        cfdi_relacionados=cfdi40.CfdiRelacionados(
            tipo_relacion=TIPO_RELACION_NOTA_DE_CREDITO, cfdi_relacionado=[related])
        if related else None,
        fecha=datetime.combine(note.issued_on, time(0, 0)),
    )
    _check_totals(comprobante, note.subtotal, note.tax_amount, note.total, rate,
                  f"credit note {note.credit_note_number}")
    return _to_bytes(comprobante)
