"""The demo business's CFDI: its posted invoices and credit notes go out to a simulated PAC
and come back stamped, its payments get their CFDI de pago (a few late), and a few invoices
are cancelled — some replaced by a substitute — so every `cfdi_status` and the
`payment_receipt_on_time_rate` KPI have real cases (docs/demo-generator.md, docs/cfdi.md).

Nothing here writes a table directly: the documents are exported with
`operational_app.cfdi.export`, stamped with `operational_app.cfdi.pac`, written to folders
and imported with `seiton import`'s own code (`import_dir`), as finance would with a real
PAC. Folders, in the order a real month goes: ingresos, then egresos (a credit note names its
invoice's UUID, known only once that invoice is stamped), then pagos, then the SAT's metadata
with the cancellations and the substitutes.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.cfdi import export, pac
from operational_app.csv_import import import_dir
from operational_app.demo import params as P
from operational_app.domain import billing_run, fiscal
from operational_app.domain import cfdi as cfdi_domain
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import (
    Account,
    Contract,
    CreditNote,
    FxRate,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentReversal,
)

ACTOR = P.ACTOR_FINANCE  # finance imports what the PAC stamped (a demo user)
ISSUER = {"issuer_rfc": "SSI160301K55", "issuer_name": "Seiton Servicios de Impresion",
          "issuer_regime": "601", "issuer_postal_code": "06600"}
# real postal codes of the cities the demo's customers are in (c_CodigoPostal)
POSTAL_CODES = ("06600", "11000", "03100", "44100", "64000", "72000", "76000", "20000")
UNSTAMPED_SHARE = 0.15  # of the last period's invoices: posted, not stamped yet
LATE_RECEIPT_SHARE = 0.06  # CFDI de pago stamped after the 5th of the next month
CANCELLED = 2  # cancelled, not replaced: the period reconciles as not invoiced
AMOUNTS_DIFFER = 1  # stamped from the PAC's portal with the border-region IVA by mistake
BORDER_RATE = Decimal("0.08")
SUBSTITUTED = 2  # cancelled and replaced by a substitute (TipoRelacion 04)


@dataclass
class Story:
    stamped_invoices: int = 0
    stamped_credit_notes: int = 0
    payment_receipts: int = 0
    late_receipts: int = 0
    cancelled: list[str] = field(default_factory=list)
    substituted: list[str] = field(default_factory=list)
    unstamped: list[str] = field(default_factory=list)
    amounts_differ: list[str] = field(default_factory=list)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _import(url: str, folder: Path) -> None:
    report = import_dir(folder, actor=ACTOR, url=url)
    if not report.ok:  # the demo's own documents must import: a refusal is a bug here
        raise RuntimeError(f"the demo's CFDI in {folder} were refused: "
                           + "; ".join(str(e) for e in report.errors[:5]))


def _configure(url: str, rng: random.Random) -> None:
    """The company's fiscal configuration and each account's Receptor data (admin's job)."""
    with write_session(url) as s:
        fiscal.set_fiscal_config(s, "admin", **ISSUER)
        for account in s.scalars(select(Account).order_by(Account.account_code)):
            if account.tax_id is None or account.fiscal_postal_code is not None:
                continue
            regime = "601" if len(account.tax_id) == 12 else "612"
            fiscal.set_account_fiscal_data(s, "admin", account_code=account.account_code,
                                           fiscal_postal_code=rng.choice(POSTAL_CODES),
                                           fiscal_regime=regime, cfdi_use="G03")


def _periods(session: Session, today: date) -> list[date]:
    return sorted(set(session.scalars(select(Invoice.period_start).where(
        Invoice.issued_on <= today, Invoice.series.is_not(None)))))


def _stamp_invoices(url: str, folder: Path, today: date, seed: int, rng: random.Random,
                    story: Story) -> None:
    with read_session(url) as s:
        periods = _periods(s, today)
        by_name = {(i.series, i.folio): i for i in s.scalars(
            select(Invoice).where(Invoice.series.is_not(None)))}
        issued = {(i.series, str(i.folio)): i.issued_on for i in by_name.values()}
        reports = [export.build_period(s, p) for p in periods]
    folder.mkdir(parents=True)
    last = periods[-1] if periods else None
    # the last period's invoices finance has not sent to the PAC yet (at least one)
    recent = sorted(n for r in reports if r.period == last for n, x in r.files.items()
                    if _series_folio(x) in issued)
    waiting = set(rng.sample(recent, max(1, round(len(recent) * UNSTAMPED_SHARE)))
                  if recent else [])
    for report in reports:
        if not report.ok:
            raise RuntimeError(f"the demo's period {report.period} did not export: "
                               + "; ".join(report.errors[:3]))
        for name, xml in report.files.items():
            series, folio = _series_folio(xml)
            day = issued.get((series, folio))
            if day is None:  # a credit note: stamped once its invoice is
                continue
            if name in waiting:
                story.unstamped.append(name)
                continue
            if report.period != last and len(story.amounts_differ) < AMOUNTS_DIFFER \
                    and b'TasaOCuota="0.160000"' in xml and rng.random() < 0.05:
                xml = _with_tax_rate(xml, BORDER_RATE)
                story.amounts_differ.append(name)
            stamped_at = _at(day, rng.randint(9, 18), rng.randint(0, 59))
            (folder / name).write_bytes(pac.stamp(xml, seed=seed, stamped_at=stamped_at))
            story.stamped_invoices += 1
    _import(url, folder)


def _with_tax_rate(xml: bytes, rate: Decimal) -> bytes:
    """The same CFDI with its IVA at another rate, every amount kept consistent (each line's
    tax, the comprobante's Traslados and Total): what a clerk typing the invoice again in
    the PAC's portal with the wrong rate stamps. The product's invoice keeps its amounts,
    so reconciliation shows `amounts_differ`."""
    root = pac.reader.parse_xml(xml)
    ns = {"cfdi": pac.CFDI_NS}
    cent = Decimal("0.01")
    total_tax = Decimal("0.00")
    for traslado in root.iterfind("cfdi:Conceptos/cfdi:Concepto/cfdi:Impuestos/cfdi:Traslados/"
                                  "cfdi:Traslado", ns):
        tax = (Decimal(traslado.get("Base")) * rate).quantize(cent, ROUND_HALF_UP)
        traslado.set("TasaOCuota", f"{rate:.6f}")
        traslado.set("Importe", f"{tax:.2f}")
        total_tax += tax
    for traslado in root.iterfind("cfdi:Impuestos/cfdi:Traslados/cfdi:Traslado", ns):
        traslado.set("TasaOCuota", f"{rate:.6f}")
        traslado.set("Importe", f"{total_tax:.2f}")
    root.find("cfdi:Impuestos", ns).set("TotalImpuestosTrasladados", f"{total_tax:.2f}")
    root.set("Total", f"{Decimal(root.get('SubTotal')) + total_tax:.2f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _series_folio(xml: bytes) -> tuple[str | None, str | None]:
    root = pac.reader.parse_xml(xml)
    return root.get("Serie"), root.get("Folio")


def _stamp_credit_notes(url: str, folder: Path, today: date, seed: int, rng: random.Random,
                        story: Story) -> None:
    with read_session(url) as s:
        notes = {(n.series, str(n.folio)): n.issued_on for n in s.scalars(
            select(CreditNote).where(CreditNote.series.is_not(None),
                                     CreditNote.issued_on <= today))}
        reports = [export.build_period(s, p) for p in _periods(s, today)]
    folder.mkdir(parents=True)
    for report in reports:
        for name, xml in report.files.items():
            day = notes.get(_series_folio(xml))
            if day is None or b"CfdiRelacionados" not in xml:  # invoice not stamped
                continue
            stamped_at = _at(day, rng.randint(9, 18), rng.randint(0, 59))
            (folder / name).write_bytes(pac.stamp(xml, seed=seed, stamped_at=stamped_at))
            story.stamped_credit_notes += 1
    if story.stamped_credit_notes:
        _import(url, folder)


def _receipt_day(paid_on: date, late: bool, rng: random.Random) -> date:
    """On time: within a few days of the payment (by the 5th of the next month at the
    latest). Late: between the 8th and the 25th of the next month."""
    next_month = (paid_on.replace(day=28) + timedelta(days=4)).replace(day=1)
    if late:
        return next_month + timedelta(days=rng.randint(7, 24))
    return min(paid_on + timedelta(days=rng.randint(0, 3)), next_month + timedelta(days=4))


def _stamp_receipts(url: str, folder: Path, today: date, seed: int, rng: random.Random,
                    story: Story) -> None:
    """A CFDI de pago for every live payment applied to stamped PPD invoices (payment terms
    over 0 days), its balances the invoices' open amounts just before the payment."""
    folder.mkdir(parents=True)
    with read_session(url) as s:
        issuer = fiscal.fiscal_config(s)
        reversed_ids = set(s.scalars(select(PaymentReversal.payment_id)))
        payments = s.scalars(select(Payment).where(Payment.received_on <= today)
                             .order_by(Payment.received_on, Payment.id)).all()
        # the import finds a Pago's payment by account, day, amount and currency: where two
        # live payments share them the receipt would be ambiguous, so the demo leaves both out
        keys = Counter((p.account_id, p.received_on, p.amount, p.currency) for p in payments
                       if p.id not in reversed_ids)
        folio = 0
        for payment in payments:
            if payment.id in reversed_ids or keys[(payment.account_id, payment.received_on,
                                                   payment.amount, payment.currency)] > 1:
                continue
            paid = []
            apps = s.scalars(select(PaymentApplication).where(
                PaymentApplication.payment_id == payment.id)
                .order_by(PaymentApplication.invoice_id)).all()
            for app in apps:
                invoice = s.get(Invoice, app.invoice_id)
                contract = s.get(Contract, invoice.contract_id)
                uuid = cfdi_domain.stamped_invoice_uuid(s, invoice.id)
                if uuid is None or contract.payment_terms_days <= 0:
                    continue
                account = s.get(Account, contract.account_id)
                before = cfdi_domain.open_before(s, invoice, payment.received_on,
                                                 exclude_payment_id=payment.id)
                paid.append((account, pac.PaidInvoice(
                    uuid, invoice.currency, before, app.amount,
                    installment=_installment(s, invoice, payment),
                    tax_rate=account.tax_rate, series=invoice.series,
                    folio=str(invoice.folio) if invoice.folio else None)))
            if not paid or len(paid) != len(apps):
                continue  # a receipt proves the whole payment, or the demo leaves it out
            account = paid[0][0]
            late = rng.random() < LATE_RECEIPT_SHARE
            day = _receipt_day(payment.received_on, late, rng)
            if day > today:
                continue
            folio += 1
            receiver = pac.Receiver(account.tax_id, account.name, account.fiscal_postal_code,
                                    account.fiscal_regime)
            xml = pac.payment_receipt(
                issuer, receiver, paid_at=_at(payment.received_on, 12),
                invoices=[p for _, p in paid], issued_at=_at(day, 10), folio=folio,
                exchange_rate=_rate(s, payment.currency, payment.received_on))
            stamped = pac.stamp(xml, seed=seed, stamped_at=_at(day, 10, 30))
            (folder / f"CP{folio}.xml").write_bytes(stamped)
            story.payment_receipts += 1
            story.late_receipts += late
    if story.payment_receipts:
        _import(url, folder)


def _installment(session: Session, invoice: Invoice, payment: Payment) -> int:
    earlier = session.scalars(
        select(PaymentApplication.payment_id)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(PaymentApplication.invoice_id == invoice.id,
               Payment.received_on <= payment.received_on, Payment.id < payment.id)).all()
    return len(earlier) + 1


def _rate(session: Session, currency: str, day: date) -> Decimal | None:
    if currency == "MXN":
        return None
    return session.scalars(select(FxRate.mxn_per_unit).where(
        FxRate.currency == currency, FxRate.rate_date <= day)
        .order_by(FxRate.rate_date.desc()).limit(1)).first()


def _cancel(url: str, folder: Path, today: date, seed: int, rng: random.Random,
            story: Story) -> None:
    """Cancel a few stamped invoices nobody paid or credited, from periods at least two
    months old; half of them replaced by a substitute under a new folio of the series."""
    folder.mkdir(parents=True)
    cutoff = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    with write_session(url) as s:
        paid = select(PaymentApplication.invoice_id)
        credited = select(CreditNote.invoice_id)
        candidates = [i for i in s.scalars(
            select(Invoice).where(Invoice.series.is_not(None), Invoice.period_start <= cutoff,
                                  Invoice.id.not_in(paid), Invoice.id.not_in(credited))
            .order_by(Invoice.invoice_number))
            if cfdi_domain.stamped_invoice_uuid(s, i.id) is not None]
        picked = rng.sample(candidates, min(len(candidates), CANCELLED + SUBSTITUTED))
        issuer = fiscal.fiscal_config(s)
        rows = []
        for n, invoice in enumerate(picked):
            doc = cfdi_domain.find_document(s, cfdi_domain.stamped_invoice_uuid(s, invoice.id))
            account = s.get(Account, s.get(Contract, invoice.contract_id).account_id)
            cancelled_at = _at(invoice.issued_on + timedelta(days=rng.randint(3, 12)), 11)
            rows.append(pac.Cancellation(doc.uuid, account.tax_id, account.name,
                                         _at(invoice.issued_on, 9), doc.stamped_at,
                                         invoice.total, cancelled_at))
            if n < SUBSTITUTED:
                folio = billing_run.take_folio(s, ACTOR, invoice.series)
                xml = pac.substitute(doc.xml.encode("utf-8"), replaces=doc.uuid,
                                     folio=folio)
                stamped = pac.stamp(xml, seed=seed, stamped_at=cancelled_at)
                (folder / f"{invoice.series}{folio}.xml").write_bytes(stamped)
                story.substituted.append(invoice.invoice_number)
            else:
                story.cancelled.append(invoice.invoice_number)
    (folder / "metadata.txt").write_bytes(pac.metadata_file(issuer, rows))
    _import(url, folder)


def stamp_the_history(url: str, *, seed: int, today: date, work: Path) -> Story:
    """Every CFDI of the demo's history, in the order finance would have handled them.
    `work` is a scratch folder (removed first and after). A substitute takes the series'
    next folio like a posting (billing_run.take_folio)."""
    rng = random.Random(f"cfdi:{seed}")
    shutil.rmtree(work, ignore_errors=True)
    story = Story()
    _configure(url, rng)
    _stamp_invoices(url, work / "1-ingresos", today, seed, rng, story)
    _stamp_credit_notes(url, work / "2-egresos", today, seed, rng, story)
    _stamp_receipts(url, work / "3-pagos", today, seed, rng, story)
    _cancel(url, work / "4-sat", today, seed, rng, story)
    shutil.rmtree(work, ignore_errors=True)
    return story
