"""Stage 5 — billing: the stamped CFDI the company issued, and the SAT's cancellations,
recorded against the product's documents (docs/cfdi.md, "CFDI in").

- Ingreso: matched to the posted invoice by series + folio (or by its number); the CFDI is
  kept beside it, never merged into it. An unknown series/folio is an invoice issued
  outside the product: written as an invoice of origin `cfdi_import` under the contract its
  conceptos name (NoIdentificacion), for the issue month (a substitute, TipoRelacion 04:
  the month of the invoice it substitutes).
- Egreso with TipoRelacion 01: a credit note against the invoice of the related UUID.
- Pago (Pagos 2.0): one payment per Pago — an existing payment of the account with the
  same date, amount and currency, or a new one — and one application per DoctoRelacionado,
  after checking ImpSaldoAnt − ImpPagado = ImpSaldoInsoluto and that ImpSaldoAnt is the
  invoice's open amount just before the payment.
- 3.3: history only — linked to documents the product already holds, never creating any.

Every refusal names the XML node and attribute at fault (`cfdi:Comprobante/@Total`).
Writes go through writes.insert (audited) and, for credit notes, payments and
applications, through the billing module's own checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.cfdi.reader import Cfdi, DoctoRelacionado, Pago
from operational_app.domain import billing, settings, writes
from operational_app.domain.errors import FieldError, ValidationError
from operational_app.domain.fields import Checker, check_actor, first_of_month
from operational_app.domain.lookups import (
    find_contract,
    find_credit_note,
    find_invoice,
    invoice_credited,
)
from operational_app.store.models import (
    Account,
    CfdiCancellation,
    CfdiDocument,
    CfdiPayment,
    Contract,
    CreditNote,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentReversal,
)

INSERTED, UNCHANGED = "inserted", "unchanged"
ROOT = "cfdi:Comprobante"
TFD = f"{ROOT}/cfdi:Complemento/tfd:TimbreFiscalDigital"
NOTA_DE_CREDITO, SUSTITUCION = "01", "04"
# Domain fields of the billing checks → the CFDI attribute holding that value.
_ATTRIBUTE_OF = {
    "invoice_number": f"{ROOT}/@Folio", "credit_note_number": f"{ROOT}/@Folio",
    "contract_number": f"{ROOT}/cfdi:Conceptos/cfdi:Concepto/@NoIdentificacion",
    "period_start": f"{ROOT}/@Fecha", "issued_on": f"{ROOT}/@Fecha",
    "subtotal": f"{ROOT}/@SubTotal", "total": f"{ROOT}/@Total",
    "tax_amount": f"{ROOT}/cfdi:Impuestos/@TotalImpuestosTrasladados",
    "currency": f"{ROOT}/@Moneda", "due_on": f"{ROOT}/@Fecha",
}


@dataclass(frozen=True)
class MetadataRow:
    """One line of the SAT's metadata file (docs/cfdi.md, "Cancellations")."""

    line: int
    uuid: str
    issuer_rfc: str
    receiver_rfc: str
    pac_rfc: str | None
    issued_at: datetime
    certified_at: datetime | None
    amount: Decimal
    effect: str
    status: str
    cancelled_at: datetime | None


def _refuse(node: str, template: str, line: int | None = None, /,
            **params: Any) -> ValidationError:
    return ValidationError(errors=[FieldError(node, template, line, params=params)])


def _remapped(exc: ValidationError, line: int | None = None) -> ValidationError:
    """A billing check's errors, named as the CFDI attributes that carried the values."""
    return ValidationError(errors=[FieldError.of(e, field=_ATTRIBUTE_OF.get(e.field, f"{ROOT}"),
                                                 line=line) for e in exc.errors])


def digest(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def find_document(session: Session, uuid: str) -> CfdiDocument | None:
    return session.scalars(select(CfdiDocument).where(CfdiDocument.uuid == uuid.upper())).first()


def is_cancelled(session: Session, uuid: str) -> bool:
    return session.scalar(select(CfdiCancellation.id).where(
        CfdiCancellation.uuid == uuid.upper())) is not None


def stamped_invoice_uuid(session: Session, invoice_id: int) -> str | None:
    """The invoice's live stamped CFDI (the latest not cancelled), if any."""
    return session.scalar(select(CfdiDocument.uuid).where(
        CfdiDocument.invoice_id == invoice_id, CfdiDocument.cfdi_type == "I",
        CfdiDocument.uuid.not_in(select(CfdiCancellation.uuid)))
        .order_by(CfdiDocument.stamped_at.desc()).limit(1))


# --------------------------------------------------------------------------- entry point


def company_rfc(session: Session) -> str | None:
    return settings.value(session, settings.ISSUER_RFC)


def record_cfdi(session: Session, actor: str, cfdi: Cfdi, *, file_name: str,
                xml: bytes, issuer_rfc: str | None = None) -> str:
    """Record one stamped CFDI; `unchanged` when this very document was imported before.
    `issuer_rfc`: the company's RFC when the caller already read it (a batch of files)."""
    actor = check_actor(actor)
    issuer = issuer_rfc or company_rfc(session)
    if not issuer:
        raise _refuse(f"{ROOT}/cfdi:Emisor/@Rfc", "the company's RFC is not configured "
                                                  "(admin page or SEITON_ISSUER_RFC)")
    if cfdi.issuer_rfc != issuer:
        raise _refuse(f"{ROOT}/cfdi:Emisor/@Rfc",
                      "the issuer {issuer_rfc} is not the company ({issuer}): only the "
                      "company's own CFDI are imported (received invoices are not this "
                      "product's business)", issuer_rfc=cfdi.issuer_rfc, issuer=issuer)
    sha = digest(xml)
    existing = find_document(session, cfdi.uuid)
    if existing is not None:
        if existing.xml_sha256 == sha:
            return UNCHANGED
        raise _refuse(f"{TFD}/@UUID", "UUID {uuid} was already imported (from {file_name}) "
                                      "with different content: a stamped CFDI never changes",
                      uuid=cfdi.uuid, file_name=existing.file_name)
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse("", "is not UTF-8: a CFDI is encoded in UTF-8") from None
    record = {"I": _ingreso, "E": _egreso, "P": _pago}[cfdi.cfdi_type]
    record(session, actor, cfdi, file_name=file_name, sha=sha, text=text)
    return INSERTED


def _document(cfdi: Cfdi, *, file_name: str, sha: str, text: str, outcome: str,
              invoice_id: int | None = None, credit_note_id: int | None = None) -> CfdiDocument:
    return CfdiDocument(
        uuid=cfdi.uuid, cfdi_type=cfdi.cfdi_type, version=cfdi.version, series=cfdi.series,
        folio=cfdi.folio, issuer_rfc=cfdi.issuer_rfc, receiver_rfc=cfdi.receiver_rfc,
        receiver_name=(cfdi.receiver_name or "")[:300] or None, issued_at=cfdi.issued_at,
        stamped_at=cfdi.stamped_at, pac_rfc=cfdi.pac_rfc, currency=cfdi.currency,
        exchange_rate=cfdi.exchange_rate, payment_method=cfdi.payment_method,
        subtotal=cfdi.subtotal, tax_amount=cfdi.tax_amount, total=cfdi.total,
        relation_type=cfdi.relations[0].relation_type if cfdi.relations else None,
        related_uuids=" ".join(u for r in cfdi.relations for u in r.uuids)[:400] or None,
        invoice_id=invoice_id, credit_note_id=credit_note_id, import_outcome=outcome,
        file_name=file_name[:255], xml_sha256=sha, xml=text)


def _number(cfdi: Cfdi) -> str:
    """The product's number for a document: series + folio, else the folio, else (no
    folio at all) the UUID's first 32 hex digits."""
    if cfdi.folio:
        return f"{cfdi.series or ''}{cfdi.folio}"[:32]
    return cfdi.uuid.replace("-", "")[:32]


def _product_invoice(session: Session, cfdi: Cfdi) -> Invoice | None:
    if cfdi.series and cfdi.folio and cfdi.folio.isdigit():
        found = session.scalars(select(Invoice).where(
            Invoice.series == cfdi.series, Invoice.folio == int(cfdi.folio))).first()
        if found is not None:
            return found
    return find_invoice(session, _number(cfdi)) if cfdi.folio else None


def _product_credit_note(session: Session, cfdi: Cfdi) -> CreditNote | None:
    if cfdi.series and cfdi.folio and cfdi.folio.isdigit():
        found = session.scalars(select(CreditNote).where(
            CreditNote.series == cfdi.series, CreditNote.folio == int(cfdi.folio))).first()
        if found is not None:
            return found
    return find_credit_note(session, _number(cfdi)) if cfdi.folio else None


def _account_of(session: Session, invoice: Invoice) -> Account:
    return session.get(Account, session.get(Contract, invoice.contract_id).account_id)


def _check_receiver(cfdi: Cfdi, account: Account) -> None:
    if account.tax_id and account.tax_id != cfdi.receiver_rfc:
        raise _refuse(f"{ROOT}/cfdi:Receptor/@Rfc",
                      "the receiver {receiver_rfc} is not account {account_code}'s RFC ({tax_id})",
                      receiver_rfc=cfdi.receiver_rfc, account_code=account.account_code,
                      tax_id=account.tax_id)


def _history_only(cfdi: Cfdi, what: str) -> ValidationError:
    return _refuse(f"{ROOT}/@Version",
                   "a CFDI 3.3 is accepted for history only, for {what} the product already "
                   "holds; {number} is unknown, and a 3.3 document never creates financial "
                   "records (import it through the CSV files first)", what=what,
                   number=_number(cfdi))


# --------------------------------------------------------------------------- ingresos


def _ingreso(session: Session, actor: str, cfdi: Cfdi, **doc: str) -> None:
    substituted = cfdi.related(SUSTITUCION)
    invoice = _product_invoice(session, cfdi)
    if invoice is not None:
        _check_receiver(cfdi, _account_of(session, invoice))
        live = stamped_invoice_uuid(session, invoice.id)
        if live is not None and live not in substituted:
            raise _refuse(f"{TFD}/@UUID",
                          "invoice {invoice_number} already has the stamped CFDI {live}; "
                          "another one must substitute it (TipoRelacion 04)",
                          invoice_number=invoice.invoice_number, live=live)
        outcome = "history" if cfdi.version == "3.3" else "matched"
        writes.insert(session, actor, _document(cfdi, outcome=outcome, invoice_id=invoice.id,
                                                **doc), cfdi.uuid, "uuid")
        return
    if cfdi.version == "3.3":
        raise _history_only(cfdi, "invoices")
    invoice = _outside_invoice(session, actor, cfdi, substituted)
    writes.insert(session, actor, _document(cfdi, outcome="created", invoice_id=invoice.id,
                                            **doc), cfdi.uuid, "uuid")


def _contract_of(session: Session, cfdi: Cfdi) -> Contract:
    where = f"{ROOT}/cfdi:Conceptos/cfdi:Concepto/@NoIdentificacion"
    numbers = {c.no_identificacion for c in cfdi.concepts if c.no_identificacion}
    line = cfdi.concepts[0].line if cfdi.concepts else None
    if not numbers:
        raise _refuse(where, "is absent: an invoice issued outside the product is imported "
                             "under the contract its conceptos name here", line)
    if len(numbers) > 1:
        raise _refuse(where, "the conceptos name several contracts ({numbers}): one invoice "
                             "bills one contract", line, numbers=', '.join(sorted(numbers)))
    number = numbers.pop()
    contract = find_contract(session, number)
    if contract is None:
        raise _refuse(where, "unknown contract {number!r}", line, number=number)
    return contract


def _outside_invoice(session: Session, actor: str, cfdi: Cfdi,
                     substituted: list[str]) -> Invoice:
    contract = _contract_of(session, cfdi)
    _check_receiver(cfdi, session.get(Account, contract.account_id))
    period = first_of_month(cfdi.issued_at.date())
    for uuid in substituted:  # a substitute bills what the cancelled invoice billed
        replaced = find_document(session, uuid)
        if replaced is not None and replaced.invoice_id is not None:
            period = session.get(Invoice, replaced.invoice_id).period_start
            break
    number = _number(cfdi)
    v = Checker()
    billing.check_invoice(v, number, find_invoice(session, number), contract.contract_number,
                          contract, period=period, issued=cfdi.issued_at.date(), due=None,
                          subtotal=cfdi.subtotal, tax=cfdi.tax_amount, total=cfdi.total,
                          currency=cfdi.currency)
    if cfdi.currency != "MXN" and cfdi.exchange_rate is None:
        v.fail("currency", "a {currency} invoice needs its TipoCambio", currency=cfdi.currency)
    try:
        v.check()
    except ValidationError as exc:
        raise _remapped(exc) from None
    folio = int(cfdi.folio) if cfdi.folio and cfdi.folio.isdigit() else None
    row = Invoice(invoice_number=number, contract_id=contract.id, period_start=period,
                  issued_on=cfdi.issued_at.date(), subtotal=cfdi.subtotal,
                  tax_amount=cfdi.tax_amount, total=cfdi.total, currency=cfdi.currency,
                  series=cfdi.series if folio is not None else None, folio=folio,
                  origin="cfdi_import", exchange_rate=cfdi.exchange_rate)
    return writes.insert(session, actor, row, number, "invoice_number")


# --------------------------------------------------------------------------- egresos


def _related_invoice(session: Session, cfdi: Cfdi) -> Invoice:
    where = f"{ROOT}/cfdi:CfdiRelacionados"
    related = cfdi.related(NOTA_DE_CREDITO)
    if not related:
        raise _refuse(where, "an egreso must name the invoice it credits (CfdiRelacionados "
                             "with TipoRelacion 01): without it there is nothing to credit")
    if len(related) > 1:
        raise _refuse(where, "relates {length} invoices; a credit note is against one",
                      length=len(related))
    doc = find_document(session, related[0])
    if doc is None or doc.invoice_id is None:
        raise _refuse(f"{where}/cfdi:CfdiRelacionado/@UUID",
                      "no imported invoice has UUID {related}: import its CFDI first",
                      related=related[0])
    return session.get(Invoice, doc.invoice_id)


def _egreso(session: Session, actor: str, cfdi: Cfdi, **doc: str) -> None:
    invoice = _related_invoice(session, cfdi)
    _check_receiver(cfdi, _account_of(session, invoice))
    note = _product_credit_note(session, cfdi)
    if note is not None:
        if note.invoice_id != invoice.id:
            raise _refuse(f"{ROOT}/cfdi:CfdiRelacionados/cfdi:CfdiRelacionado/@UUID",
                          "credit note {credit_note_number} is against another invoice than "
                          "{invoice_number}", credit_note_number=note.credit_note_number,
                          invoice_number=invoice.invoice_number)
        outcome = "history" if cfdi.version == "3.3" else "matched"
        writes.insert(session, actor, _document(cfdi, outcome=outcome, credit_note_id=note.id,
                                                **doc), cfdi.uuid, "uuid")
        return
    if cfdi.version == "3.3":
        raise _history_only(cfdi, "credit notes")
    number = _number(cfdi)
    v = Checker()
    if cfdi.subtotal + cfdi.tax_amount != cfdi.total:
        v.fail("total", "SubTotal {subtotal} + taxes {tax_amount} is not Total {total}",
               subtotal=cfdi.subtotal, tax_amount=cfdi.tax_amount, total=cfdi.total)
    v.unique("credit_note_number", number, find_credit_note(session, number), "credit note")
    if cfdi.currency != invoice.currency:
        v.fail("currency", "is {currency}, the invoice's currency is {other_currency}",
               currency=cfdi.currency, other_currency=invoice.currency)
    billing.check_credit(v, invoice.invoice_number, invoice, invoice_credited(session, invoice),
                         cfdi.issued_at.date(), cfdi.total)
    try:
        v.check()
    except ValidationError as exc:
        raise _remapped(exc) from None
    folio = int(cfdi.folio) if cfdi.folio and cfdi.folio.isdigit() else None
    note = writes.insert(session, actor, CreditNote(
        credit_note_number=number, invoice_id=invoice.id, issued_on=cfdi.issued_at.date(),
        subtotal=cfdi.subtotal, tax_amount=cfdi.tax_amount, total=cfdi.total,
        reason=f"CFDI de egreso {cfdi.uuid}", series=cfdi.series if folio is not None else None,
        folio=folio, origin="cfdi_import", exchange_rate=cfdi.exchange_rate),
        number, "credit_note_number")
    writes.insert(session, actor, _document(cfdi, outcome="created", credit_note_id=note.id,
                                            **doc), cfdi.uuid, "uuid")


# --------------------------------------------------------------------------- pagos


def open_before(session: Session, invoice: Invoice, day: date,
                exclude_payment_id: int | None = None) -> Decimal:
    """The invoice's open amount just before a payment received on `day`: its total less
    credit notes issued and live payments received up to that day (the aging rule as of the
    day), leaving out the payment itself."""
    credits = sum(session.scalars(select(CreditNote.total).where(
        CreditNote.invoice_id == invoice.id, CreditNote.issued_on <= day)), Decimal("0.00"))
    rows = session.execute(
        select(PaymentApplication.amount, Payment.id)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(PaymentApplication.invoice_id == invoice.id, Payment.received_on <= day)).all()
    reversed_ids = set(session.scalars(select(PaymentReversal.payment_id).where(
        PaymentReversal.reversed_on <= day,
        PaymentReversal.payment_id.in_([r.id for r in rows])))) if rows else set()
    paid = sum((r.amount for r in rows if r.id not in reversed_ids and r.id != exclude_payment_id),
               Decimal("0.00"))
    return invoice.total - credits - paid


def _payment_number(uuid: str, number: int) -> str:
    return f"{uuid.replace('-', '')[:28]}-{number:03d}"


def _pago_invoices(session: Session, cfdi: Cfdi, pago: Pago) -> list[tuple[DoctoRelacionado,
                                                                           Invoice]]:
    out = []
    for d in pago.doctos:
        doc = find_document(session, d.id_documento)
        if doc is None or doc.cfdi_type != "I" or doc.invoice_id is None:
            raise _refuse(f"{d.path}/@IdDocumento",
                          "no imported invoice has UUID {id_documento}: a CFDI de pago can "
                          "only pay an invoice whose CFDI was imported first", d.line,
                          id_documento=d.id_documento)
        invoice = session.get(Invoice, doc.invoice_id)
        if d.currency != invoice.currency:
            raise _refuse(f"{d.path}/@MonedaDR", "is {currency}, invoice {invoice_number} is "
                                                 "in {other_currency}", d.line,
                          currency=d.currency, invoice_number=invoice.invoice_number,
                          other_currency=invoice.currency)
        _check_receiver(cfdi, _account_of(session, invoice))
        out.append((d, invoice))
    accounts = {_account_of(session, inv).id for _, inv in out}
    if len(accounts) > 1:
        raise _refuse(f"{pago.path}", "pays invoices of several accounts: one payment comes "
                                      "from one account", pago.line)
    return out


def _pago_amount(pago: Pago, currency: str) -> Decimal:
    """What the product records: Monto when the Pago is in the documents' currency; else
    the documents' ImpPagado in their currency (Monto × EquivalenciaDR, checked)."""
    paid = sum((d.paid for d in pago.doctos), Decimal("0.00"))
    if pago.currency == currency:
        if paid > pago.amount:
            raise _refuse(f"{pago.path}/@Monto", "the DoctoRelacionado pay {paid} in all, more "
                                                 "than Monto {amount}", pago.line, paid=paid,
                          amount=pago.amount)
        return pago.amount
    converted = sum((d.paid / d.equivalence for d in pago.doctos), Decimal(0))
    if abs(converted - pago.amount) > Decimal("0.01") * len(pago.doctos):
        raise _refuse(f"{pago.path}/@Monto",
                      "is {amount} {currency}, but ImpPagado ÷ EquivalenciaDR add up to "
                      "{total} (a difference of {difference})", pago.line, amount=pago.amount,
                      currency=pago.currency, total=converted.quantize(Decimal('0.01')),
                      difference=(pago.amount - converted).quantize(Decimal('0.01')))
    return paid


def _existing_payment(session: Session, account_id: int, day: date, amount: Decimal,
                      currency: str) -> Payment | None:
    """A payment the product already holds for this Pago: same account, date, amount and
    currency, not reversed, not yet proven by another Pago."""
    linked = select(CfdiPayment.payment_id)
    reversed_ = select(PaymentReversal.payment_id)
    candidates = session.scalars(select(Payment).where(
        Payment.account_id == account_id, Payment.received_on == day,
        Payment.currency == currency, Payment.id.not_in(linked),
        Payment.id.not_in(reversed_)).order_by(Payment.id))
    return next((p for p in candidates if p.amount == amount), None)


def _pago(session: Session, actor: str, cfdi: Cfdi, **doc: str) -> None:
    if cfdi.version == "3.3":
        raise _refuse(f"{ROOT}/@Version", "a CFDI de pago 3.3 (Pagos 1.0) is refused: only "
                                          "CFDI 4.0 with Pagos 2.0 records payments")
    document = writes.insert(session, actor, _document(cfdi, outcome="created", **doc),
                             cfdi.uuid, "uuid")
    for pago in cfdi.pagos:
        pairs = _pago_invoices(session, cfdi, pago)
        currency = pairs[0][1].currency
        if any(inv.currency != currency for _, inv in pairs):
            raise _refuse(pago.path, "pays invoices in different currencies", pago.line)
        amount = _pago_amount(pago, currency)
        account = _account_of(session, pairs[0][1])
        day = pago.paid_at.date()
        payment = _existing_payment(session, account.id, day, amount, currency)
        for d, invoice in pairs:
            _check_balances(session, d, invoice, day, payment)
        outcome = "matched" if payment is not None else "created"
        if payment is None:
            payment = _call(billing.record_payment, session, actor, pago, f"{pago.path}/@Monto",
                            payment_number=_payment_number(cfdi.uuid, pago.number),
                            account_code=account.account_code, received_on=day, amount=amount,
                            currency=currency, method="CFDI de pago")
        for d, invoice in pairs:
            _apply(session, actor, payment, invoice, d, day)
        writes.insert(session, actor, CfdiPayment(
            cfdi_document_id=document.id, pago_number=pago.number, payment_id=payment.id,
            paid_at=pago.paid_at, import_outcome=outcome),
            f"{cfdi.uuid}:{pago.number}", "uuid")


def _check_balances(session: Session, d: DoctoRelacionado, invoice: Invoice, day: date,
                    payment: Payment | None) -> None:
    if d.balance_before - d.paid != d.balance_after:
        raise _refuse(f"{d.path}/@ImpSaldoInsoluto",
                      "ImpSaldoAnt {balance_before} − ImpPagado {paid} = {value}, not "
                      "{balance_after} (a difference of {difference})", d.line,
                      balance_before=d.balance_before, paid=d.paid,
                      value=d.balance_before - d.paid, balance_after=d.balance_after,
                      difference=d.balance_after - (d.balance_before - d.paid))
    before = open_before(session, invoice, day, payment.id if payment is not None else None)
    if d.balance_before != before:
        raise _refuse(f"{d.path}/@ImpSaldoAnt",
                      "is {balance_before}, but invoice {invoice_number}'s open amount just "
                      "before the payment of {day} was {before} (a difference of {value})", d.line,
                      balance_before=d.balance_before, invoice_number=invoice.invoice_number,
                      day=day, before=before, value=d.balance_before - before)


def _apply(session: Session, actor: str, payment: Payment, invoice: Invoice,
           d: DoctoRelacionado, day: date) -> None:
    existing = session.scalars(select(PaymentApplication).where(
        PaymentApplication.payment_id == payment.id,
        PaymentApplication.invoice_id == invoice.id)).first()
    if existing is not None:
        if existing.amount != d.paid:
            raise _refuse(f"{d.path}/@ImpPagado",
                          "payment {payment_number} is already applied to invoice "
                          "{invoice_number} with {amount}, not {paid}",
                          d.line, payment_number=payment.payment_number,
                          invoice_number=invoice.invoice_number, amount=existing.amount,
                          paid=d.paid)
        return
    _call(billing.apply_payment, session, actor, d, f"{d.path}/@ImpPagado",
          payment_number=payment.payment_number, invoice_number=invoice.invoice_number,
          amount=d.paid, applied_on=max(day, invoice.issued_on))


def _call(fn, session: Session, actor: str, node, where: str, **kwargs):
    """A billing function; its refusals named at the CFDI node that carried the values."""
    try:
        return fn(session, actor, **kwargs)
    except ValidationError as exc:
        raise ValidationError(errors=[FieldError.of(e, field=where, line=node.line)
                                      for e in exc.errors]) from None


# --------------------------------------------------------------------------- cancellations


def record_cancellation(session: Session, actor: str, row: MetadataRow, *,
                        file_name: str, issuer_rfc: str | None = None) -> str:
    """A cancelled CFDI (Estatus 0) from the SAT's metadata; `unchanged` when already there
    with the same cancellation date. Rows of other issuers are refused."""
    actor = check_actor(actor)
    issuer = issuer_rfc or company_rfc(session)
    if row.issuer_rfc != issuer:
        raise _refuse("RfcEmisor", "the issuer {issuer_rfc} is not the company ({value})", row.line,
                      issuer_rfc=row.issuer_rfc, value=issuer or 'not configured')
    if row.status != "0" or row.cancelled_at is None:
        return UNCHANGED  # in force: nothing to record
    existing = session.scalars(select(CfdiCancellation).where(
        CfdiCancellation.uuid == row.uuid)).first()
    if existing is not None:
        if existing.cancelled_at == row.cancelled_at:
            return UNCHANGED
        raise _refuse("FechaCancelacion", "UUID {uuid} is already recorded as cancelled on "
                                          "{cancelled_at}, not {wanted}",
                      row.line, uuid=row.uuid, cancelled_at=existing.cancelled_at,
                      wanted=row.cancelled_at)
    writes.insert(session, actor, CfdiCancellation(
        uuid=row.uuid, issuer_rfc=row.issuer_rfc, receiver_rfc=row.receiver_rfc,
        pac_rfc=row.pac_rfc, issued_at=row.issued_at, certified_at=row.certified_at,
        amount=row.amount, effect=row.effect, cancelled_at=row.cancelled_at,
        file_name=file_name[:255]), row.uuid, "uuid")
    return INSERTED


def stamped_counts(session: Session) -> dict[str, int]:
    """Imported CFDI by type (the CFDI page's summary)."""
    rows = session.execute(select(CfdiDocument.cfdi_type, func.count())
                           .group_by(CfdiDocument.cfdi_type)).all()
    return {t: n for t, n in rows}
