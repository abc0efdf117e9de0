"""The operational store: one table per transaction of the six stages (docs/stages-and-kpis.md).

Conventions (docs/operational-store.md):
- `id` is the internal key; every entity also has a unique business key used by CSV
  import, the app's pick-lists and the warehouse.
- `created_at/created_by/updated_at` on every row; `updated_at` is the dlt cursor, so every
  write (soft delete included) bumps it.
- Rows that can be withdrawn (drafts, mistaken operational records) carry `deleted_at`;
  posted financial documents cannot be withdrawn at all (triggers, see migrations).
- System timestamps are UTC; business timestamps (ticket times, monitoring events) are
  America/Mexico_City wall-clock time, the calendar the SLA rules speak of.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from operational_app.store.types import ExactDecimal, Money, Rate


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Tracked:
    """Who created a row and when it last changed (the ingestion cursor)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="system")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True
    )


class SoftDeletable:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(64))


# --------------------------------------------------------------------------- system


class User(Tracked, Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    area: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint(
            "role in ('operator','finance','director','analyst','admin')", name="ck_users_role"
        ),
    )


class AuditLog(Base):
    """Append-only: one row per write, with the record before and after (JSON text)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_key: Mapped[str] = mapped_column(String(200), nullable=False)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    # audit rows are never updated; updated_at exists only so ingestion treats every table alike
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)


class AppSetting(Tracked, Base):
    """A setting an admin changes without code (fiscal data, meter-review thresholds …):
    one text value per key; the environment wins where a variable is defined for it
    (docs/configuration.md)."""

    __tablename__ = "app_settings"
    key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class KpiTarget(Tracked, Base):
    """A KPI's target and amber threshold from a month on, set by a director or the admin
    with the reason (docs/kpis.md, "Targets"). Never edited (triggers refuse it): a later
    row supersedes it from its own month; months before no row is in force use the
    kpi_catalog seed's defaults."""

    __tablename__ = "kpi_targets"
    kpi_code: Mapped[str] = mapped_column(String(40), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    target: Mapped[Decimal] = mapped_column(ExactDecimal(18, 6), nullable=False)
    amber: Mapped[Decimal] = mapped_column(ExactDecimal(18, 6), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)


class FxRate(Tracked, Base):
    __tablename__ = "fx_rates"
    rate_date: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    mxn_per_unit: Mapped[Decimal] = mapped_column(Rate(), nullable=False)
    __table_args__ = (UniqueConstraint("rate_date", "currency"),)


# --------------------------------------------------------------------------- 1 sales


class Account(Tracked, SoftDeletable, Base):
    __tablename__ = "accounts"
    account_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    tax_id: Mapped[str | None] = mapped_column(String(13))
    segment: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    tax_rate: Mapped[Decimal] = mapped_column(ExactDecimal(6, 4), nullable=False)
    # the CFDI Receptor's fiscal data (docs/cfdi.md); optional until the account is invoiced
    fiscal_postal_code: Mapped[str | None] = mapped_column(String(5))
    fiscal_regime: Mapped[str | None] = mapped_column(String(3))
    cfdi_use: Mapped[str | None] = mapped_column(String(4))


class Opportunity(Tracked, SoftDeletable, Base):
    __tablename__ = "opportunities"
    opportunity_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    owner: Mapped[str] = mapped_column(String(64), nullable=False)
    source: Mapped[str | None] = mapped_column(String(30))
    estimated_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MXN")
    stage: Mapped[str] = mapped_column(String(20), nullable=False, default="prospect")
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_on: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(String(40))


class OpportunityStageChange(Tracked, Base):
    __tablename__ = "opportunity_stage_changes"
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id"), nullable=False, index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20), nullable=False)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    lost_reason: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (UniqueConstraint("opportunity_id", "to_stage", "changed_on"),)


class Proposal(Tracked, SoftDeletable, Base):
    __tablename__ = "proposals"
    proposal_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id"), nullable=False, index=True
    )
    proposed_on: Mapped[date] = mapped_column(Date, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    cost: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MXN")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")


class ProposalLine(Tracked, Base):
    __tablename__ = "proposal_lines"
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), nullable=False)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    line_type: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    unit_cost: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    __table_args__ = (UniqueConstraint("proposal_id", "line_no"),)


# --------------------------------------------------------------------------- 2 formalization


class Contract(Tracked, Base):
    __tablename__ = "contracts"
    contract_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="MXN")
    payment_terms_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    billing_day: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    activated_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class PricePlan(Tracked, Base):
    __tablename__ = "price_plans"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    fixed_monthly_fee: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    included_mono_pages: Mapped[int] = mapped_column(BigInteger, nullable=False)
    included_color_pages: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mono_rate: Mapped[Decimal] = mapped_column(Rate(), nullable=False)
    color_rate: Mapped[Decimal] = mapped_column(Rate(), nullable=False)
    minimum_monthly_charge: Mapped[Decimal | None] = mapped_column(Money())
    __table_args__ = (UniqueConstraint("contract_id", "effective_from"),)


class PriceTier(Tracked, Base):
    __tablename__ = "price_tiers"
    price_plan_id: Mapped[int] = mapped_column(ForeignKey("price_plans.id"), nullable=False)
    meter: Mapped[str] = mapped_column(String(5), nullable=False)
    from_page: Mapped[int] = mapped_column(BigInteger, nullable=False)
    rate: Mapped[Decimal] = mapped_column(Rate(), nullable=False)
    __table_args__ = (
        UniqueConstraint("price_plan_id", "meter", "from_page"),
        CheckConstraint("meter in ('mono','color')", name="ck_price_tiers_meter"),
    )


class SlaTerm(Tracked, Base):
    __tablename__ = "sla_terms"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    response_hours: Mapped[Decimal] = mapped_column(ExactDecimal(8, 2), nullable=False)
    resolution_hours: Mapped[Decimal] = mapped_column(ExactDecimal(8, 2), nullable=False)
    uptime_target_pct: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    __table_args__ = (UniqueConstraint("contract_id", "effective_from"),)


class FormalizationStep(Tracked, Base):
    __tablename__ = "formalization_steps"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    step: Mapped[str] = mapped_column(String(30), nullable=False)
    decision: Mapped[str] = mapped_column(String(10), nullable=False)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_by: Mapped[str] = mapped_column(String(64), nullable=False)
    notes: Mapped[str | None] = mapped_column(String(500))
    __table_args__ = (
        UniqueConstraint("contract_id", "step", "decided_on", "decision"),
        CheckConstraint("decision in ('approved','rejected')", name="ck_formalization_decision"),
    )


# --------------------------------------------------------------------------- 3 implementation


class ImplementationPlan(Tracked, Base):
    __tablename__ = "implementation_plans"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True, nullable=False)
    planned_on: Mapped[date] = mapped_column(Date, nullable=False)
    planned_go_live: Mapped[date] = mapped_column(Date, nullable=False)


class ImplementationMilestone(Tracked, SoftDeletable, Base):
    """software_configured, training_given, customer_acceptance (installs are devices)."""

    __tablename__ = "implementation_milestones"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    milestone: Mapped[str] = mapped_column(String(30), nullable=False)
    done_on: Mapped[date] = mapped_column(Date, nullable=False)
    notes: Mapped[str | None] = mapped_column(String(500))
    __table_args__ = (UniqueConstraint("contract_id", "milestone"),)


class Device(Tracked, Base):
    __tablename__ = "devices"
    serial: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    model: Mapped[str | None] = mapped_column(String(80))
    is_color: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    site: Mapped[str | None] = mapped_column(String(200))
    installed_on: Mapped[date] = mapped_column(Date, nullable=False)
    removed_on: Mapped[date | None] = mapped_column(Date)
    install_mono_counter: Mapped[int] = mapped_column(BigInteger, nullable=False)
    install_color_counter: Mapped[int] = mapped_column(BigInteger, nullable=False)


class DeviceModel(Tracked, Base):
    """What the meter review knows of a model (docs/meter-readings.md): a mono model's colour
    counter must not move, and a reading over the rated monthly volume is held."""

    __tablename__ = "device_models"
    model: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    is_color: Mapped[bool] = mapped_column(Boolean, nullable=False)
    rated_monthly_volume: Mapped[int | None] = mapped_column(Integer)


# --------------------------------------------------------------------------- 4 operation


class Ticket(Tracked, SoftDeletable, Base):
    __tablename__ = "tickets"
    ticket_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    ticket_type: Mapped[str] = mapped_column(String(20), nullable=False)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="medium")
    opened_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_time_fix: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(String(1000))
    # pages the technician printed to test the device: credited in the billing (0006)
    test_mono_pages: Mapped[int | None] = mapped_column(Integer)
    test_color_pages: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint(
            "ticket_type in ('corrective','preventive','consumable','incident','request')",
            name="ck_tickets_type",
        ),
    )


class TicketPause(Tracked, Base):
    """Time the ticket waited on the customer: excluded from SLA clocks."""

    __tablename__ = "ticket_pauses"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), nullable=False, index=True)
    paused_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    resumed_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("ticket_id", "paused_at"),)


class MaintenancePlan(Tracked, Base):
    __tablename__ = "maintenance_plans"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), unique=True, nullable=False)
    interval_months: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)


class MaintenanceVisit(Tracked, SoftDeletable, Base):
    __tablename__ = "maintenance_visits"
    visit_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), nullable=False, index=True)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    test_mono_pages: Mapped[int | None] = mapped_column(Integer)
    test_color_pages: Mapped[int | None] = mapped_column(Integer)


class ConsumableRequest(Tracked, SoftDeletable, Base):
    __tablename__ = "consumable_requests"
    request_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), nullable=False, index=True)
    item: Mapped[str] = mapped_column(String(80), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)


class DeviceEvent(Tracked, Base):
    """Monitoring: a device went `down` or came back `up`."""

    __tablename__ = "device_events"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), nullable=False, index=True)
    event_type: Mapped[str] = mapped_column(String(4), nullable=False)
    event_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    __table_args__ = (
        UniqueConstraint("device_id", "event_at", "event_type"),
        CheckConstraint("event_type in ('up','down')", name="ck_device_events_type"),
    )


# --------------------------------------------------------------------------- 5 billing


class MeterReading(Tracked, SoftDeletable, Base):
    __tablename__ = "meter_readings"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), nullable=False)
    read_on: Mapped[date] = mapped_column(Date, nullable=False)
    mono_counter: Mapped[int] = mapped_column(BigInteger, nullable=False)
    color_counter: Mapped[int] = mapped_column(BigInteger, nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="agent")
    meter_reset: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # counted (billed) | held (waits for review, not billed) | approved | rejected (0006)
    review_status: Mapped[str] = mapped_column(String(10), nullable=False, default="counted",
                                               server_default="counted")
    review_reason: Mapped[str | None] = mapped_column(String(500))  # why it was held
    review_note: Mapped[str | None] = mapped_column(String(500))  # the decision's reason
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("device_id", "read_on", "meter_reset"),
        CheckConstraint("source in ('agent','manual')", name="ck_meter_readings_source"),
        CheckConstraint("review_status in ('counted','held','approved','rejected')",
                        name="ck_meter_readings_review_status"),
    )


class MeterImportProfile(Tracked, Base):
    """How to read one fleet agent's export (docs/meter-readings.md): the YAML definition is
    kept as text, checked by operational_app/meter_capture/profiles.py on every save."""

    __tablename__ = "meter_import_profiles"
    name: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False)


class Invoice(Tracked, Base):
    """Posted on creation; immutable (corrected by credit notes).

    Invoices posted by the billing run carry their series and gap-less folio (the number is
    series + folio), their lines (invoice_lines) and, in USD, the exchange rate of the issue
    date, fixed at posting so the CFDI says the same thing every time it is exported.
    `origin` tells them from invoices typed by hand or imported (docs/billing-run.md).
    """

    __tablename__ = "invoices"
    invoice_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date | None] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    total: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    series: Mapped[str | None] = mapped_column(String(25))
    folio: Mapped[int | None] = mapped_column(BigInteger)
    # billing_run | manual (form or CSV) | cfdi_import — the domain layer keeps to these
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="manual",
                                        server_default="manual")
    exchange_rate: Mapped[Decimal | None] = mapped_column(Rate())
    # an adjustment invoice names the posted invoice whose charge changed
    adjusts_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))


class CreditNote(Tracked, Base):
    __tablename__ = "credit_notes"
    credit_note_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    total: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    series: Mapped[str | None] = mapped_column(String(25))
    folio: Mapped[int | None] = mapped_column(BigInteger)
    origin: Mapped[str] = mapped_column(String(20), nullable=False, default="manual",
                                        server_default="manual")
    exchange_rate: Mapped[Decimal | None] = mapped_column(Rate())


class _DocumentLine:
    """A line of an invoice, credit note or draft: how its amount was reached
    (docs/billing-run.md). Pages are whole numbers but CFDI quantities allow 6 decimals."""

    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    meter: Mapped[str | None] = mapped_column(String(5))
    tier_from_page: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(18, 6), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Rate(), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    is_estimated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


LINE_KINDS_SQL = "kind in ('fixed_fee','overage','true_up','adjustment')"


class InvoiceLine(_DocumentLine, Tracked, Base):
    """Immutable like its invoice."""

    __tablename__ = "invoice_lines"
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    __table_args__ = (
        UniqueConstraint("invoice_id", "line_number"),
        CheckConstraint(LINE_KINDS_SQL, name="ck_invoice_lines_kind"),
    )


class CreditNoteLine(_DocumentLine, Tracked, Base):
    """Immutable like its credit note."""

    __tablename__ = "credit_note_lines"
    credit_note_id: Mapped[int] = mapped_column(ForeignKey("credit_notes.id"), nullable=False,
                                                index=True)
    __table_args__ = (
        UniqueConstraint("credit_note_id", "line_number"),
        CheckConstraint(LINE_KINDS_SQL, name="ck_credit_note_lines_kind"),
    )


class InvoiceSeries(Tracked, Base):
    """The next folio of a series: taken and increased in the posting transaction, so folios
    are gap-less and never reused (a rolled-back post gives its folios back)."""

    __tablename__ = "invoice_series"
    series: Mapped[str] = mapped_column(String(25), unique=True, nullable=False)
    document_type: Mapped[str] = mapped_column(String(12), nullable=False)
    next_folio: Mapped[int] = mapped_column(BigInteger, nullable=False, default=1)
    __table_args__ = (
        CheckConstraint("document_type in ('invoice','credit_note')",
                        name="ck_invoice_series_document_type"),
        CheckConstraint("next_folio >= 1", name="ck_invoice_series_next_folio"),
    )


class InvoiceDraft(Tracked, SoftDeletable, Base):
    """A document the billing run proposes: not a receivable until posted. Replaced (soft
    deleted) when its charge changes before posting; once posted it points at the posted
    invoice or credit note and is never changed again."""

    __tablename__ = "invoice_drafts"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    document_type: Mapped[str] = mapped_column(String(12), nullable=False)
    purpose: Mapped[str] = mapped_column(String(12), nullable=False)
    related_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    issued_on: Mapped[date | None] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    total: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(ExactDecimal(6, 4), nullable=False)
    charge_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    posted_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    posted_credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)
    posted_by: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint("document_type in ('invoice','credit_note')",
                        name="ck_invoice_drafts_document_type"),
        CheckConstraint("purpose in ('charge','adjustment')", name="ck_invoice_drafts_purpose"),
        CheckConstraint("status in ('draft','posted')", name="ck_invoice_drafts_status"),
    )


class InvoiceDraftLine(_DocumentLine, Tracked, Base):
    __tablename__ = "invoice_draft_lines"
    draft_id: Mapped[int] = mapped_column(ForeignKey("invoice_drafts.id"), nullable=False,
                                          index=True)
    __table_args__ = (
        UniqueConstraint("draft_id", "line_number"),
        CheckConstraint(LINE_KINDS_SQL, name="ck_invoice_draft_lines_kind"),
    )


class BillingExclusion(Tracked, SoftDeletable, Base):
    """Finance left a contract out of a period's run, with the reason (lifted = withdrawn)."""

    __tablename__ = "billing_exclusions"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)


class Payment(Tracked, Base):
    __tablename__ = "payments"
    payment_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    method: Mapped[str | None] = mapped_column(String(20))


class PaymentApplication(Tracked, Base):
    __tablename__ = "payment_applications"
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), nullable=False, index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    __table_args__ = (UniqueConstraint("payment_id", "invoice_id"),)


class PaymentReversal(Tracked, Base):
    """A bounced or mistaken payment: the reversing document (the payment stays posted)."""

    __tablename__ = "payment_reversals"
    reversal_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True, nullable=False)
    reversed_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)


class CollectionAction(Tracked, Base):
    __tablename__ = "collection_actions"
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    action_type: Mapped[str] = mapped_column(String(20), nullable=False)
    action_on: Mapped[date] = mapped_column(Date, nullable=False)
    promised_on: Mapped[date | None] = mapped_column(Date)
    promised_amount: Mapped[Decimal | None] = mapped_column(Money())
    notes: Mapped[str | None] = mapped_column(String(500))
    __table_args__ = (
        CheckConstraint(
            "action_type in ('call','email','visit','promise_to_pay','escalation')",
            name="ck_collection_actions_type",
        ),
    )


# --------------------------------------------------------------------------- 6 renewal


class ContractReview(Tracked, Base):
    __tablename__ = "contract_reviews"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    review_on: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    notes: Mapped[str | None] = mapped_column(String(1000))
    __table_args__ = (UniqueConstraint("contract_id", "review_on"),)


class Renewal(Tracked, Base):
    """Extends a contract's term; the new price plan is a price_plans row from the new term."""

    __tablename__ = "renewals"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    renewed_on: Mapped[date] = mapped_column(Date, nullable=False)
    previous_end_date: Mapped[date] = mapped_column(Date, nullable=False)
    new_end_date: Mapped[date] = mapped_column(Date, nullable=False)
    __table_args__ = (UniqueConstraint("contract_id", "previous_end_date"),)


class Amendment(Tracked, Base):
    __tablename__ = "amendments"
    amendment_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    amended_on: Mapped[date] = mapped_column(Date, nullable=False)
    amendment_type: Mapped[str] = mapped_column(String(20), nullable=False)
    devices_delta: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    description: Mapped[str | None] = mapped_column(String(500))
    __table_args__ = (
        CheckConstraint(
            "amendment_type in ('devices_added','devices_removed','price_change')",
            name="ck_amendments_type",
        ),
    )


class Closure(Tracked, Base):
    __tablename__ = "closures"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True, nullable=False)
    closed_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(40), nullable=False)
    devices_retrieved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# --------------------------------------------------------------------------- CFDI (docs/cfdi.md)


class CfdiDocument(Tracked, Base):
    """A stamped CFDI the company issued (ingreso, egreso or pago), imported from its XML:
    what the SAT holds, kept beside the product's own documents and never merged into
    them — an invoice whose CFDI says other amounts keeps its own (reconciliation shows
    the difference). Immutable; the XML itself is kept so finance can open it."""

    __tablename__ = "cfdi_documents"
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    cfdi_type: Mapped[str] = mapped_column(String(1), nullable=False)
    version: Mapped[str] = mapped_column(String(3), nullable=False)
    series: Mapped[str | None] = mapped_column(String(25))
    folio: Mapped[str | None] = mapped_column(String(40))
    issuer_rfc: Mapped[str] = mapped_column(String(13), nullable=False)
    receiver_rfc: Mapped[str] = mapped_column(String(13), nullable=False)
    receiver_name: Mapped[str | None] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    stamped_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    pac_rfc: Mapped[str | None] = mapped_column(String(13))
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    exchange_rate: Mapped[Decimal | None] = mapped_column(Rate())
    payment_method: Mapped[str | None] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    tax_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    total: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    relation_type: Mapped[str | None] = mapped_column(String(2))
    related_uuids: Mapped[str | None] = mapped_column(String(400))  # space-separated
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"), index=True)
    # matched: to a document the product posted; created: the import wrote the invoice,
    # credit note or payments; history: a CFDI 3.3 kept for the record only
    import_outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    xml_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    xml: Mapped[str] = mapped_column(Text, nullable=False)  # not loaded into the warehouse
    __table_args__ = (
        CheckConstraint("cfdi_type in ('I','E','P')", name="ck_cfdi_documents_type"),
        CheckConstraint("import_outcome in ('matched','created','history')",
                        name="ck_cfdi_documents_outcome"),
    )


class CfdiPayment(Tracked, Base):
    """One `Pago` node of a CFDI de pago and the payment it proves (created by the import,
    or an existing payment of the same account, date and amount). Immutable."""

    __tablename__ = "cfdi_payments"
    cfdi_document_id: Mapped[int] = mapped_column(ForeignKey("cfdi_documents.id"),
                                                  nullable=False, index=True)
    pago_number: Mapped[int] = mapped_column(Integer, nullable=False)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), nullable=False,
                                            index=True)
    paid_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    import_outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    __table_args__ = (
        UniqueConstraint("cfdi_document_id", "pago_number"),
        CheckConstraint("import_outcome in ('matched','created')",
                        name="ck_cfdi_payments_outcome"),
    )


class CfdiCancellation(Tracked, Base):
    """A CFDI the SAT's metadata lists as cancelled (Estatus 0), from FechaCancelacion.
    Kept by UUID: the SAT is the authority even when the XML was never imported.
    Immutable."""

    __tablename__ = "cfdi_cancellations"
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    issuer_rfc: Mapped[str] = mapped_column(String(13), nullable=False)
    receiver_rfc: Mapped[str] = mapped_column(String(13), nullable=False)
    pac_rfc: Mapped[str | None] = mapped_column(String(13))
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    certified_at: Mapped[datetime | None] = mapped_column(DateTime)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    effect: Mapped[str] = mapped_column(String(1), nullable=False)
    cancelled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)


# Posted financial documents: no UPDATE, no DELETE (enforced by triggers in the migrations).
IMMUTABLE_TABLES = (
    "invoices",
    "invoice_lines",
    "credit_notes",
    "credit_note_lines",
    "payments",
    "payment_applications",
    "payment_reversals",
    "cfdi_documents",
    "cfdi_payments",
    "cfdi_cancellations",
    "audit_log",
)
