"""The CSV import formats: one file per entity, its columns, its key, its domain calls.

The ten files of docs/contract.md ("CSV import formats") are a contract: their names and
columns are used exactly as written there. The other entities get formats of the same
style. A few optional columns are added where the domain records more than the contract
names (devices' `is_color` and `site`, contracts' `billing_day`, …); adding columns is
allowed, renaming is not. docs/csv-import.md is the user-facing reference.

Each format says how a row is written — always through the domain layer, which validates
and audits — and how an existing row is recognised, so that re-importing a file changes
nothing: a row whose key exists with the same values is `unchanged`, with different values
an error. Lifecycle columns (a contract's `activated_on`, a ticket's `resolved_at`, …) may
also move an existing row forward through the domain function for that event.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import (
    billing,
    fields,
    formalization,
    implementation,
    operation,
    renewal,
    sales,
)
from operational_app.domain.errors import FieldError, ValidationError
from operational_app.domain.fields import Refusal
from operational_app.store import models as m

SKIP = object()  # `Column.empty`: an empty cell is not compared with the stored value


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Ref:
    """A column holding another entity's business key: the row stores its id in `fk`."""

    model: type
    fk: str
    key: str

    def resolve(self, session: Session, row: Any) -> Any:
        ident = getattr(row, self.fk)
        if ident is None:
            return None
        target = session.get(self.model, ident)
        return getattr(target, self.key) if target is not None else None


ACCOUNT = Ref(m.Account, "account_id", "account_code")
OPPORTUNITY = Ref(m.Opportunity, "opportunity_id", "opportunity_code")
CONTRACT = Ref(m.Contract, "contract_id", "contract_number")
DEVICE = Ref(m.Device, "device_id", "serial")
TICKET = Ref(m.Ticket, "ticket_id", "ticket_number")
INVOICE = Ref(m.Invoice, "invoice_id", "invoice_number")
PAYMENT = Ref(m.Payment, "payment_id", "payment_number")

KINDS = {
    "code": "text (a business key)",
    "text": "text",
    "date": "date YYYY-MM-DD",
    "timestamp": "timestamp YYYY-MM-DDTHH:MM[:SS][±HH:MM]",
    "money": "amount, 2 decimals",
    "rate": "decimal, up to 6 decimals",
    "decimal": "decimal",
    "integer": "whole number",
    "boolean": "true / false",
    "choice": "one of",
}


@dataclass(frozen=True)
class Column:
    """One CSV column. `kind` drives the comparison with a stored row (the domain layer does
    the validation of new rows); `doc` and `example` feed docs/csv-import.md."""

    name: str
    kind: str
    required: bool = False
    doc: str = ""
    places: int = 2  # kind "decimal"
    choices: tuple[str, ...] = ()
    attr: str | None = None  # the model attribute, when it is not named like the column
    ref: Ref | None = None
    get: Callable[[Session, Any], Any] | None = None  # custom read of the stored value
    stored: bool = True  # False: nothing stored to compare with
    arg: str | None = ""  # the create function's keyword ("" = the column name; None = none)
    empty: Any = None  # what an empty cell means when comparing (SKIP: not compared)
    normalize: Callable[[Any], Any] | None = None  # as the domain stores it (e.g. upper)
    also: Callable[[Session, Any], tuple[Any, ...]] | None = None  # other accepted values

    @property
    def kwarg(self) -> str | None:
        return self.name if self.arg == "" else self.arg

    def parse(self, raw: str) -> Any:
        """The cell as the domain would read it (same parsers); ValueError with the reason."""
        kind = self.kind
        if kind in ("code", "text"):
            value = fields.parse_text(raw, max_len=10_000, multiline=True)
        elif kind == "date":
            value = fields.parse_date(raw)
        elif kind == "timestamp":
            value = fields.parse_timestamp(raw)
        elif kind == "money":
            value = fields.parse_decimal(raw, places=fields.MONEY_PLACES)
        elif kind == "rate":
            value = fields.parse_decimal(raw, places=fields.RATE_PLACES, maximum=fields.RATE_MAX)
        elif kind == "decimal":
            value = fields.parse_decimal(raw, places=self.places, maximum=fields.RATE_MAX)
        elif kind == "integer":
            value = fields.parse_int(raw, maximum=fields.BIGINT_MAX)
        elif kind == "boolean":
            value = fields.parse_bool(raw)
        elif kind == "choice":
            value = _choice(raw, self.choices)
        else:  # pragma: no cover - a declaration mistake
            raise AssertionError(f"unknown kind {kind}")
        if value is not None and self.normalize is not None:
            value = self.normalize(value)
        return value

    def stored_value(self, session: Session, row: Any) -> Any:
        if self.get is not None:
            return self.get(session, row)
        if self.ref is not None:
            return self.ref.resolve(session, row)
        return getattr(row, self.attr or self.name)

    def same(self, session: Session, row: Any, wanted: Any) -> tuple[bool, Any]:
        stored = self.stored_value(session, row)
        accepted = [stored, *(self.also(session, row) if self.also else ())]
        for value in accepted:
            if _equal(self.kind, wanted, value):
                return True, stored
        return False, stored


def _choice(raw: str, choices: tuple[str, ...]) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    wanted = raw.strip().lower()
    for option in choices:
        if option.lower() == wanted:
            return option
    raise Refusal("must be one of {choices}, not {value!r}", choices=', '.join(choices),
                  value=raw.strip())


def _equal(kind: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if kind == "choice" and isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    return a == b


@dataclass(frozen=True)
class Step:
    """A lifecycle event carried by a column (e.g. `resolved_at` → resolve_ticket).

    Applied after the row is created (unless `create` already takes the column), or to an
    existing row whose stored value is still empty — or, with `when="differs"`, whenever the
    file's value differs (the domain function decides whether that move is allowed).
    `args` maps the function's keywords to columns; `extra` are columns recorded only
    together with the trigger (e.g. first_time_fix with resolved_at)."""

    trigger: str
    call: Callable[..., Any]
    args: dict[str, str]
    extra: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    on_create: bool = True
    when: str = "unset"


@dataclass(frozen=True)
class FileFormat:
    filename: str
    model: type
    stage: str
    summary: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    create: Callable[[Session, str, dict[str, Any]], Any]
    steps: tuple[Step, ...] = ()
    find: Callable[[Session, dict[str, Any]], Any] | None = None
    revives: bool = False  # the domain re-records a withdrawn row with the same key
    sort: Callable[[dict[str, str]], Any] | None = None  # rows applied in this order
    field_map: dict[str, str] = field(default_factory=dict)  # domain field → column
    key_note: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def lifecycle(self) -> set[str]:
        return {s.trigger for s in self.steps} | {x for s in self.steps for x in s.extra}

    def find_existing(self, session: Session, key: dict[str, Any]) -> Any:
        if self.find is not None:
            return self.find(session, key)
        query = select(self.model)
        for name in self.key:
            col = self.column(name)
            if col.ref is not None:
                target = col.ref.model
                ident = select(target.id).where(getattr(target, col.ref.key) == key[name])
                query = query.where(getattr(self.model, col.ref.fk) == ident.scalar_subquery())
            else:
                query = query.where(getattr(self.model, col.attr or name) == key[name])
        if self.revives and hasattr(self.model, "deleted_at"):
            query = query.where(self.model.deleted_at.is_(None))
        return session.scalars(query).first()


def _call(fn: Callable[..., Any]) -> Callable[[Session, str, dict[str, Any]], Any]:
    def create(session: Session, actor: str, kwargs: dict[str, Any]) -> Any:
        return fn(session, actor, **kwargs)

    create.__name__ = fn.__name__
    create.__doc__ = f"{fn.__module__}.{fn.__name__}"
    create.domain = fn  # type: ignore[attr-defined]  # the tests check its signature
    return create


# `seiton import --review`: validate imported readings like agent reads (docs/csv-import.md);
# by default meter_readings.csv is history from an earlier system and counts as reviewed.
REVIEW_READINGS: ContextVar[bool] = ContextVar("review_readings", default=False)


def _record_reading(session: Session, actor: str, **kwargs: Any) -> Any:
    return billing.record_meter_reading(session, actor, review=REVIEW_READINGS.get(), **kwargs)


_meter_reading = _call(_record_reading)
_meter_reading.domain = billing.record_meter_reading  # type: ignore[attr-defined]


def _date_or_max(raw: str | None) -> date:
    try:
        return fields.parse_date(raw) or date.max
    except ValueError:
        return date.max


def _moment_or_max(raw: str | None) -> datetime:
    try:
        return fields.parse_timestamp(raw) or datetime.max
    except ValueError:
        return datetime.max


def _is_true(raw: str | None) -> bool:
    return (raw or "").strip().lower() == "true"


def _c(name: str, kind: str, doc: str, **kw: Any) -> Column:
    return Column(name, kind, doc=doc, **kw)


def _r(name: str, kind: str, doc: str, **kw: Any) -> Column:
    return Column(name, kind, required=True, doc=doc, **kw)


# --------------------------------------------------------------------------- custom reads


def _original_end_date(session: Session, contract: m.Contract) -> tuple[Any, ...]:
    """A renewal moves contracts.end_date; the contract's file keeps its first end date."""
    first = session.scalar(select(m.Renewal.previous_end_date).where(
        m.Renewal.contract_id == contract.id).order_by(m.Renewal.renewed_on, m.Renewal.id))
    return (first,) if first is not None else ()


def _closure_reason(session: Session, contract: m.Contract) -> Any:
    return session.scalar(select(m.Closure.reason).where(m.Closure.contract_id == contract.id))


def _plan_of(session: Session, tier: m.PriceTier) -> m.PricePlan:
    return session.get(m.PricePlan, tier.price_plan_id)


def _find_tier(session: Session, key: dict[str, Any]) -> m.PriceTier | None:
    return session.scalars(
        select(m.PriceTier)
        .join(m.PricePlan, m.PricePlan.id == m.PriceTier.price_plan_id)
        .join(m.Contract, m.Contract.id == m.PricePlan.contract_id)
        .where(m.Contract.contract_number == key["contract_number"],
               m.PricePlan.effective_from == key["effective_from"],
               m.PriceTier.meter == key["meter"], m.PriceTier.from_page == key["from_page"])
    ).first()


def _create_step(session: Session, actor: str, kw: dict[str, Any]) -> Any:
    """formalization_steps.csv: the five checks are decisions; `activated` activates."""
    step = kw.get("step")
    if isinstance(step, str) and step.strip().lower() == "activated":
        problems = []
        if (kw.get("decision") or "").strip().lower() != "approved":
            problems.append(FieldError("decision", "an activation is always 'approved'"))
        if (kw.get("notes") or "").strip():
            problems.append(FieldError("notes", "are not recorded for an activation"))
        if problems:
            raise ValidationError(errors=problems)
        return formalization.activate_contract(
            session, actor, contract_number=kw.get("contract_number"),
            activated_on=kw.get("decided_on"))
    return formalization.decide_formalization_step(session, actor, **kw)


STAGE_RANK = {s: i for i, s in enumerate(sales.STAGES)}

# --------------------------------------------------------------------------- the formats

FORMATS_LIST: list[FileFormat] = [
    FileFormat(
        "fx_rates.csv", m.FxRate, "billing",
        "Exchange rates: MXN per unit of a foreign currency, per day (money KPIs convert "
        "USD amounts at the day's rate).",
        (
            _r("rate_date", "date", "the day the rate applies to"),
            _r("currency", "choice", "the foreign currency", choices=billing.FX_CURRENCIES),
            _r("mxn_per_unit", "rate", "pesos per unit of the currency, > 0"),
        ),
        key=("rate_date", "currency"),
        create=_call(billing.set_fx_rate),
    ),
    FileFormat(
        "accounts.csv", m.Account, "sales",
        "Customers and prospects.",
        (
            _r("account_code", "code", "the account's business key"),
            _r("name", "text", "legal or trade name"),
            _c("tax_id", "text", "RFC (3–4 letters, YYMMDD, 3-character homoclave); stored "
                                 "upper-case", normalize=str.upper),
            _c("segment", "text", "e.g. corporativo, gobierno, educación, salud, pyme"),
            _c("region", "text", "e.g. CDMX, Jalisco, Baja California"),
            _r("tax_rate", "decimal", "IVA as a fraction: 0.16, or 0.08 in the border region "
                                      "(below 1)", places=4),
            _c("fiscal_postal_code", "text", "the CFDI Receptor's fiscal postal code: 5 "
                                             "digits of the SAT's c_CodigoPostal"),
            _c("fiscal_regime", "text", "the Receptor's régimen fiscal, a c_RegimenFiscal "
                                        "code (e.g. 601), fitting the RFC's kind"),
            _c("cfdi_use", "text", "uso CFDI, a c_UsoCFDI code (e.g. G03; empty = G03 at "
                                   "export)", normalize=str.upper),
        ),
        key=("account_code",),
        create=_call(sales.create_account),
    ),
    FileFormat(
        "opportunities.csv", m.Opportunity, "sales",
        "Sales opportunities; each starts as `prospect` (that first stage change is recorded "
        "with it).",
        (
            _r("opportunity_code", "code", "the opportunity's business key"),
            _r("account_code", "code", "the account (accounts.csv)", ref=ACCOUNT),
            _r("owner", "text", "the salesperson"),
            _r("estimated_amount", "money", "estimated contract value, ≥ 0"),
            _r("created_on", "date", "when it was created"),
            _c("currency", "choice", "MXN (default) or USD", choices=fields.CURRENCIES,
               empty="MXN"),
            _c("source", "text", "e.g. referral, web, cold outreach"),
        ),
        key=("opportunity_code",),
        create=_call(sales.create_opportunity),
    ),
    FileFormat(
        "opportunity_stage_changes.csv", m.OpportunityStageChange, "sales",
        "Moves of an opportunity through prospect → qualified → diagnosis → proposal → "
        "negotiation → won | lost (forward only; won and lost are final). Rows are applied "
        "in date order.",
        (
            _r("opportunity_code", "code", "the opportunity (opportunities.csv)",
               ref=OPPORTUNITY),
            _r("to_stage", "choice", "the stage reached", choices=sales.STAGES),
            _r("changed_on", "date", "when"),
            _c("lost_reason", "text", "required when to_stage is lost (e.g. precio, "
                                      "competencia, sin presupuesto, pospuesto)"),
        ),
        key=("opportunity_code", "to_stage", "changed_on"),
        key_note="The `prospect` row of each opportunity is written with the opportunity "
                 "itself; a file may list it (same date as created_on) and it is then "
                 "`unchanged`.",
        create=_call(sales.change_opportunity_stage),
        sort=lambda v: (_date_or_max(v.get("changed_on")),
                        STAGE_RANK.get((v.get("to_stage") or "").strip().lower(), 99)),
    ),
    FileFormat(
        "proposals.csv", m.Proposal, "sales",
        "Proposals made for an opportunity (price and cost give the margin).",
        (
            _r("proposal_code", "code", "the proposal's business key"),
            _r("opportunity_code", "code", "the opportunity (opportunities.csv)",
               ref=OPPORTUNITY),
            _r("proposed_on", "date", "when it was presented"),
            _r("price", "money", "total price, ≥ 0"),
            _r("cost", "money", "total cost, ≥ 0"),
            _c("currency", "choice", "the opportunity's currency (default MXN)",
               choices=fields.CURRENCIES, empty="MXN"),
            _c("status", "choice", "draft, sent (default), accepted or rejected; a later "
                                   "import may move it forward", choices=sales.PROPOSAL_STATUSES,
               empty=SKIP),
        ),
        key=("proposal_code",),
        create=_call(sales.create_proposal),
        steps=(Step("status", sales.set_proposal_status,
                    {"proposal_code": "proposal_code", "status": "status"},
                    on_create=False, when="differs"),),
    ),
    FileFormat(
        "contracts.csv", m.Contract, "formalization",
        "Contracts. `activated_on` and `closed_on` import a contract that is already active "
        "or closed (history from an earlier system); a contract formalized in Seiton is "
        "activated through formalization_steps.csv instead.",
        (
            _r("contract_number", "code", "the contract's business key"),
            _r("account_code", "code", "the customer (accounts.csv)", ref=ACCOUNT),
            _r("start_date", "date", "first day of the term"),
            _r("end_date", "date", "last day of the term (after start_date); a later "
                                   "renewal moves it, the file may keep the first one",
               also=_original_end_date),
            _r("currency", "choice", "MXN or USD: every invoice of the contract uses it",
               choices=fields.CURRENCIES),
            _r("payment_terms_days", "integer", "days from invoice to due date (0–365)"),
            _c("activated_on", "date", "activation date (on or after start_date); empty = "
                                       "not active yet"),
            _c("closed_on", "date", "closure date; also writes the closure (reason "
                                    "closure_reason, default 'imported')"),
            _c("billing_day", "integer", "day of the month invoices are issued (1–28, "
                                         "default 1)", empty=1),
            _c("opportunity_code", "code", "the won opportunity it comes from "
                                           "(opportunities.csv)", ref=OPPORTUNITY),
            _c("closure_reason", "text", "why it closed (only with closed_on; default "
                                         "'imported')", get=_closure_reason, empty=SKIP),
        ),
        key=("contract_number",),
        create=_call(formalization.create_contract),
        steps=(
            Step("activated_on", formalization.activate_contract,
                 {"contract_number": "contract_number", "activated_on": "activated_on"},
                 on_create=False),
            Step("closed_on", renewal.close_contract,
                 {"contract_number": "contract_number", "closed_on": "closed_on",
                  "reason": "closure_reason"},
                 extra=("closure_reason",),
                 defaults={"reason": formalization.IMPORTED_CLOSURE_REASON},
                 on_create=False),
        ),
    ),
    FileFormat(
        "renewals.csv", m.Renewal, "renewal",
        "Renewals: each extends the contract's term to new_end_date (the new term's prices "
        "are a price_plans.csv row). Imported before price plans, so a plan of the renewed "
        "term finds the contract long enough.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("renewed_on", "date", "when the renewal was agreed"),
            _r("new_end_date", "date", "the new last day of the term (after the current one)"),
        ),
        key=("contract_number", "new_end_date"),
        create=_call(renewal.renew_contract),
        sort=lambda v: _date_or_max(v.get("new_end_date")),
    ),
    FileFormat(
        "price_plans.csv", m.PricePlan, "formalization",
        "A contract's price plan from a month on (docs/billing.md, \"Periods and "
        "plans\").",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("effective_from", "date", "first day of a month, within the contract"),
            _r("fixed_monthly_fee", "money", "fixed fee per month"),
            _r("included_mono_pages", "integer", "monthly mono allowance, pooled across the "
                                                 "contract's devices"),
            _r("included_color_pages", "integer", "monthly color allowance, pooled"),
            _r("mono_rate", "rate", "price per mono page over the allowance"),
            _r("color_rate", "rate", "price per color page over the allowance"),
            _c("minimum_monthly_charge", "money", "monthly commitment (a true-up is charged "
                                                  "when fee + overage fall short)"),
        ),
        key=("contract_number", "effective_from"),
        create=_call(formalization.add_price_plan),
    ),
    FileFormat(
        "price_tiers.csv", m.PriceTier, "formalization",
        "Graduated overage tiers of a price plan (like income-tax brackets).",
        (
            _r("contract_number", "code", "the contract",
               get=lambda s, t: s.get(m.Contract, _plan_of(s, t).contract_id).contract_number),
            _r("effective_from", "date", "the plan's effective_from (price_plans.csv)",
               get=lambda s, t: _plan_of(s, t).effective_from),
            _r("meter", "choice", "mono or color", choices=formalization.METERS),
            _r("from_page", "integer", "first overage page the tier's rate applies to"),
            _r("rate", "rate", "price per page in this tier"),
        ),
        key=("contract_number", "effective_from", "meter", "from_page"),
        find=_find_tier,
        create=_call(formalization.add_price_tier),
    ),
    FileFormat(
        "sla_terms.csv", m.SlaTerm, "formalization",
        "SLA terms of a contract from a date (business hours).",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("effective_from", "date", "from when the terms apply"),
            _r("response_hours", "decimal", "first-response target, business hours (> 0)"),
            _r("resolution_hours", "decimal", "resolution target, business hours (≥ response)"),
            _c("uptime_target_pct", "decimal", "device uptime target, % (0–100]"),
        ),
        key=("contract_number", "effective_from"),
        create=_call(formalization.set_sla_terms),
    ),
    FileFormat(
        "formalization_steps.csv", m.FormalizationStep, "formalization",
        "The approval steps of a contract — legal_review, customer_registered, "
        "pricing_validated, sla_validated, internal_approval — approved or rejected, and "
        "`activated` (approved), which activates the contract once every step's latest "
        "decision is approved and a price plan is in force. Rows are applied in date order; "
        "the decider recorded is the importing user.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("step", "choice", "the step", choices=formalization.STEPS),
            _r("decision", "choice", "approved or rejected (activated: approved)",
               choices=formalization.DECISIONS),
            _r("decided_on", "date", "when"),
            _c("notes", "text", "comments (not for `activated`)"),
        ),
        key=("contract_number", "step", "decided_on", "decision"),
        create=_create_step,
        field_map={"activated_on": "decided_on"},
        sort=lambda v: (_date_or_max(v.get("decided_on")),
                        (v.get("step") or "").strip().lower() == "activated"),
    ),
    FileFormat(
        "implementation_plans.csv", m.ImplementationPlan, "implementation",
        "One implementation plan per contract.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("planned_on", "date", "when the plan was made"),
            _r("planned_go_live", "date", "promised go-live (on or after planned_on)"),
        ),
        key=("contract_number",),
        create=_call(implementation.plan_implementation),
    ),
    FileFormat(
        "devices.csv", m.Device, "implementation",
        "Devices installed under an active contract, with their opening meter counters.",
        (
            _r("serial", "code", "the device's serial number (business key)"),
            _r("contract_number", "code", "the contract it serves", ref=CONTRACT),
            _c("model", "text", "make and model"),
            _r("installed_on", "date", "install date (on or after the contract's activation)"),
            _c("removed_on", "date", "removal date; empty = still installed"),
            _r("install_mono_counter", "integer", "mono counter at install, ≥ 0"),
            _r("install_color_counter", "integer", "color counter at install, ≥ 0"),
            _c("is_color", "boolean", "a color device (default false)", empty=False),
            _c("site", "text", "where it is installed"),
        ),
        key=("serial",),
        create=_call(implementation.install_device),
        steps=(Step("removed_on", implementation.remove_device,
                    {"serial": "serial", "removed_on": "removed_on"}, on_create=False),),
    ),
    FileFormat(
        "implementation_milestones.csv", m.ImplementationMilestone, "implementation",
        "Implementation milestones, once per contract each: software_configured, "
        "training_given, customer_acceptance.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("milestone", "choice", "the milestone", choices=implementation.MILESTONES),
            _r("done_on", "date", "when (on or after activation)"),
            _c("notes", "text", "comments"),
        ),
        key=("contract_number", "milestone"),
        revives=True,
        create=_call(implementation.record_milestone),
    ),
    FileFormat(
        "maintenance_plans.csv", m.MaintenancePlan, "operation",
        "Preventive maintenance plan of a device (one per device).",
        (
            _r("serial", "code", "the device (devices.csv)", ref=DEVICE),
            _r("interval_months", "integer", "months between visits (1–24)"),
            _r("starts_on", "date", "first due date"),
        ),
        key=("serial",),
        create=_call(operation.create_maintenance_plan),
    ),
    FileFormat(
        "maintenance_visits.csv", m.MaintenanceVisit, "operation",
        "Preventive visits: due date and, once done, the date done.",
        (
            _r("visit_code", "code", "the visit's business key"),
            _r("serial", "code", "the device (devices.csv)", ref=DEVICE),
            _r("due_on", "date", "when it is due"),
            _c("done_on", "date", "when it was done; empty = pending", arg=None),
        ),
        key=("visit_code",),
        create=_call(operation.schedule_visit),
        steps=(Step("done_on", operation.complete_visit,
                    {"visit_code": "visit_code", "done_on": "done_on"}),),
    ),
    FileFormat(
        "tickets.csv", m.Ticket, "operation",
        "Service tickets with their lifecycle: opened, first response, resolved (with "
        "first-time fix), closed. Times are local America/Mexico_City unless they carry an "
        "offset.",
        (
            _r("ticket_number", "code", "the ticket's business key"),
            _r("contract_number", "code", "the contract (activated)", ref=CONTRACT),
            _r("ticket_type", "choice", "the type", choices=operation.TICKET_TYPES),
            _r("opened_at", "timestamp", "when it was opened"),
            _c("priority", "choice", "default medium", choices=operation.PRIORITIES,
               empty="medium"),
            _c("serial", "code", "the device concerned, if any (on the same contract)",
               ref=DEVICE),
            _c("description", "text", "what happened (may span lines when quoted)"),
            _c("first_response_at", "timestamp", "first response", arg=None),
            _c("resolved_at", "timestamp", "resolution", arg=None),
            _c("first_time_fix", "boolean", "fixed on the first visit (required with "
                                            "resolved_at for corrective tickets)", arg=None),
            _c("closed_at", "timestamp", "closure (after resolved_at)", arg=None),
        ),
        key=("ticket_number",),
        create=_call(operation.open_ticket),
        steps=(
            Step("first_response_at", operation.respond_ticket,
                 {"ticket_number": "ticket_number", "first_response_at": "first_response_at"}),
            Step("resolved_at", operation.resolve_ticket,
                 {"ticket_number": "ticket_number", "resolved_at": "resolved_at",
                  "first_time_fix": "first_time_fix"}, extra=("first_time_fix",)),
            Step("closed_at", operation.close_ticket,
                 {"ticket_number": "ticket_number", "closed_at": "closed_at"}),
        ),
    ),
    FileFormat(
        "ticket_pauses.csv", m.TicketPause, "operation",
        "Time a ticket waited on the customer (excluded from SLA clocks). A pause can only be "
        "added while the ticket is unresolved (docs/csv-import.md, \"Ticket pauses\").",
        (
            _r("ticket_number", "code", "the ticket (tickets.csv)", ref=TICKET),
            _r("paused_at", "timestamp", "start of the wait"),
            _c("resumed_at", "timestamp", "end of the wait; empty = still waiting", arg=None),
        ),
        key=("ticket_number", "paused_at"),
        create=_call(operation.pause_ticket),
        steps=(Step("resumed_at", operation.resume_ticket,
                    {"ticket_number": "ticket_number", "resumed_at": "resumed_at"}),),
        sort=lambda v: _moment_or_max(v.get("paused_at")),
    ),
    FileFormat(
        "consumable_requests.csv", m.ConsumableRequest, "operation",
        "Consumable requests (toner, drums, …) and their delivery.",
        (
            _r("request_number", "code", "the request's business key"),
            _r("serial", "code", "the device (devices.csv)", ref=DEVICE),
            _r("item", "text", "what was requested"),
            _r("quantity", "integer", "how many (1–10,000)"),
            _r("requested_at", "timestamp", "when it was requested"),
            _c("delivered_at", "timestamp", "when it was delivered; empty = pending", arg=None),
        ),
        key=("request_number",),
        create=_call(operation.request_consumable),
        steps=(Step("delivered_at", operation.deliver_consumable,
                    {"request_number": "request_number", "delivered_at": "delivered_at"}),),
    ),
    FileFormat(
        "device_events.csv", m.DeviceEvent, "operation",
        "Device monitoring: the device went down or came back up.",
        (
            _r("serial", "code", "the device (devices.csv)", ref=DEVICE),
            _r("event_type", "choice", "up or down", choices=operation.EVENT_TYPES),
            _r("event_at", "timestamp", "when"),
        ),
        key=("serial", "event_at", "event_type"),
        create=_call(operation.record_device_event),
    ),
    FileFormat(
        "meter_readings.csv", m.MeterReading, "billing",
        "Meter readings (lifetime counters). Rows are applied in date order; a counter lower "
        "than the device's previous one is refused unless meter_reset is true (a replaced "
        "meter: the row holds the new meter's starting counters).",
        (
            _r("serial", "code", "the device (devices.csv)", ref=DEVICE),
            _r("read_on", "date", "date of the reading (not before install, not in the "
                                  "future)"),
            _r("mono_counter", "integer", "mono lifetime counter"),
            _r("color_counter", "integer", "color lifetime counter"),
            _c("source", "choice", "agent (default) or manual", choices=billing.READING_SOURCES,
               empty="agent"),
            _c("meter_reset", "boolean", "true for a new meter's first reading (default "
                                         "false)", empty=False),
        ),
        key=("serial", "read_on", "meter_reset"),
        key_note="An empty meter_reset is false.",
        revives=True,
        create=_meter_reading,
        sort=lambda v: (_date_or_max(v.get("read_on")), _is_true(v.get("meter_reset"))),
    ),
    FileFormat(
        "invoices.csv", m.Invoice, "billing",
        "Posted invoices (immutable: corrected by credit notes).",
        (
            _r("invoice_number", "code", "the invoice's business key"),
            _r("contract_number", "code", "the contract billed", ref=CONTRACT),
            _r("period_start", "date", "first day of the billed month (a billable month of "
                                       "the contract)"),
            _r("issued_on", "date", "issue date (not before period_start)"),
            _c("due_on", "date", "due date; empty = issued_on + the contract's payment terms"),
            _r("subtotal", "money", "before tax"),
            _r("tax_amount", "money", "tax"),
            _r("total", "money", "must equal subtotal + tax_amount"),
            _r("currency", "choice", "must be the contract's currency",
               choices=fields.CURRENCIES),
        ),
        key=("invoice_number",),
        create=_call(billing.issue_invoice),
    ),
    FileFormat(
        "credit_notes.csv", m.CreditNote, "billing",
        "Credit notes against an invoice; together they never exceed the invoice total.",
        (
            _r("credit_note_number", "code", "the credit note's business key"),
            _r("invoice_number", "code", "the invoice corrected (invoices.csv)", ref=INVOICE),
            _r("issued_on", "date", "issue date (not before the invoice's)"),
            _r("subtotal", "money", "before tax"),
            _r("tax_amount", "money", "tax"),
            _r("total", "money", "must equal subtotal + tax_amount, > 0"),
            _c("reason", "text", "why"),
        ),
        key=("credit_note_number",),
        create=_call(billing.issue_credit_note),
    ),
    FileFormat(
        "payments.csv", m.Payment, "billing",
        "Payments received from an account (unapplied until payment_applications.csv "
        "assigns them).",
        (
            _r("payment_number", "code", "the payment's business key"),
            _r("account_code", "code", "who paid (accounts.csv)", ref=ACCOUNT),
            _r("received_on", "date", "when the money arrived"),
            _r("amount", "money", "> 0"),
            _r("currency", "choice", "MXN or USD", choices=fields.CURRENCIES),
            _c("method", "text", "e.g. transferencia, cheque"),
        ),
        key=("payment_number",),
        create=_call(billing.record_payment),
    ),
    FileFormat(
        "payment_applications.csv", m.PaymentApplication, "billing",
        "Application of a payment to an invoice of the same account and currency; never more "
        "than the payment's unapplied amount or the invoice's open amount.",
        (
            _r("payment_number", "code", "the payment (payments.csv)", ref=PAYMENT),
            _r("invoice_number", "code", "the invoice (invoices.csv)", ref=INVOICE),
            _r("amount", "money", "> 0"),
            _c("applied_on", "date", "default: the later of the payment and invoice dates",
               empty=SKIP),
        ),
        key=("payment_number", "invoice_number"),
        create=_call(billing.apply_payment),
    ),
    FileFormat(
        "payment_reversals.csv", m.PaymentReversal, "billing",
        "A bounced or mistaken payment: its applications stop counting (the payment itself "
        "stays posted).",
        (
            _r("reversal_number", "code", "the reversal's business key"),
            _r("payment_number", "code", "the payment reversed (payments.csv)", ref=PAYMENT),
            _r("reversed_on", "date", "when (not before the payment)"),
            _r("reason", "text", "why"),
        ),
        key=("reversal_number",),
        create=_call(billing.reverse_payment),
    ),
    FileFormat(
        "collection_actions.csv", m.CollectionAction, "billing",
        "Collection actions on an invoice; a promise to pay carries its date and amount.",
        (
            _r("invoice_number", "code", "the invoice (invoices.csv)", ref=INVOICE),
            _r("action_type", "choice", "the action", choices=billing.COLLECTION_ACTIONS),
            _r("action_on", "date", "when (not before the invoice's issue date)"),
            _c("promised_on", "date", "promise to pay only: the promised date"),
            _c("promised_amount", "money", "promise to pay only: the promised amount"),
            _c("notes", "text", "comments"),
        ),
        key=("invoice_number", "action_type", "action_on"),
        key_note="One action of a type per invoice and day.",
        create=_call(billing.record_collection_action),
    ),
    FileFormat(
        "contract_reviews.csv", m.ContractReview, "renewal",
        "Contract performance reviews.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("review_on", "date", "when"),
            _r("outcome", "text", "the conclusion (free text, e.g. renew, expand, at_risk)"),
            _c("notes", "text", "comments"),
        ),
        key=("contract_number", "review_on"),
        create=_call(renewal.record_review),
    ),
    FileFormat(
        "amendments.csv", m.Amendment, "renewal",
        "Contract amendments: devices added (delta > 0) or removed (< 0), price change (0).",
        (
            _r("amendment_number", "code", "the amendment's business key"),
            _r("contract_number", "code", "the contract (not closed)", ref=CONTRACT),
            _r("amended_on", "date", "when (within the contract)"),
            _r("amendment_type", "choice", "the type", choices=renewal.AMENDMENT_TYPES),
            _c("devices_delta", "integer", "devices added (+) or removed (−); default 0",
               empty=0),
            _c("description", "text", "what changed"),
        ),
        key=("amendment_number",),
        create=_call(renewal.amend_contract),
    ),
    FileFormat(
        "closures.csv", m.Closure, "renewal",
        "Contract closures (the contract's closed_on is set too). Imported last.",
        (
            _r("contract_number", "code", "the contract", ref=CONTRACT),
            _r("closed_on", "date", "closure date (within the term)"),
            _r("reason", "text", "why (e.g. precio, competencia, fin de contrato)"),
            _c("devices_retrieved", "integer", "devices taken back (default 0)", empty=0),
        ),
        key=("contract_number",),
        create=_call(renewal.close_contract),
    ),
]

FORMATS: dict[str, FileFormat] = {f.filename: f for f in FORMATS_LIST}
# Files of one folder are imported in this order: each after the files it refers to.
IMPORT_ORDER: list[str] = [f.filename for f in FORMATS_LIST]


def format_for(filename: str) -> FileFormat | None:
    """The format of a file, by its name (case-insensitive)."""
    return FORMATS.get(filename.strip().lower())
