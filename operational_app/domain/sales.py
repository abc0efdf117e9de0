"""Stage 1 — sales: accounts, opportunities and their stage changes, proposals."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.domain import fiscal, writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import find_account, find_opportunity, find_proposal
from operational_app.store.models import (
    Account,
    Opportunity,
    OpportunityStageChange,
    Proposal,
    ProposalLine,
)

OPEN_STAGES = ("prospect", "qualified", "diagnosis", "proposal", "negotiation")
CLOSED_STAGES = ("won", "lost")
STAGES = OPEN_STAGES + CLOSED_STAGES
LOST_REASONS = ("precio", "competencia", "sin presupuesto", "pospuesto")  # suggested, not enforced
PROPOSAL_STATUSES = ("draft", "sent", "accepted", "rejected")
# Where a proposal may go from each status; accepted and rejected are final.
PROPOSAL_MOVES = {"draft": {"sent", "accepted", "rejected"}, "sent": {"accepted", "rejected"}}
LINE_TYPES = ("equipment", "software", "services")
# Mexican RFC: 3 letters (company) or 4 (person), YYMMDD, 3-character homoclave.
RFC_RE = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")


def _stage_rank(stage: str) -> int:
    return len(OPEN_STAGES) if stage in CLOSED_STAGES else OPEN_STAGES.index(stage)


# --------------------------------------------------------------------------- accounts


def create_account(
    session: Session,
    actor: str,
    *,
    account_code: Any,
    name: Any,
    tax_rate: Any,
    tax_id: Any = None,
    segment: Any = None,
    region: Any = None,
    fiscal_postal_code: Any = None,
    fiscal_regime: Any = None,
    cfdi_use: Any = None,
) -> Account:
    """The fiscal fields are the CFDI Receptor's (docs/cfdi.md): optional, catalogue codes."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("account_code", account_code, Account.account_code, required=True)
    name_ = v.text("name", name, Account.name, required=True)
    # IVA is 0.16 (0.08 on the border); a rate of 1 or more is a percent typed as a number.
    rate = v.decimal("tax_rate", tax_rate, places=4, required=True, below=Decimal(1))
    rfc = v.text("tax_id", tax_id, Account.tax_id)
    if rfc is not None:
        rfc = rfc.upper()
        if not RFC_RE.match(rfc):
            v.fail("tax_id", "is not an RFC (3–4 letters, 6 digits YYMMDD, 3-character homoclave)")
    segment_ = v.text("segment", segment, Account.segment)
    region_ = v.text("region", region, Account.region)
    postal, regime, use = fiscal.check_account_fiscal(
        v, rfc if not v.has_error("tax_id") else None, fiscal_postal_code, fiscal_regime,
        cfdi_use)
    v.unique("account_code", code, find_account(session, code, include_withdrawn=True), "account")
    v.check()
    row = Account(account_code=code, name=name_, tax_rate=rate, tax_id=rfc, segment=segment_,
                  region=region_, fiscal_postal_code=postal, fiscal_regime=regime,
                  cfdi_use=use)
    return writes.insert(session, actor, row, code, "account_code")


# --------------------------------------------------------------------------- opportunities


def create_opportunity(
    session: Session,
    actor: str,
    *,
    opportunity_code: Any,
    account_code: Any,
    owner: Any,
    estimated_amount: Any,
    created_on: Any,
    currency: Any = "MXN",
    source: Any = None,
) -> Opportunity:
    """A new opportunity starts as `prospect`; that first stage is recorded as a change too,
    so the stage history alone tells every opportunity's path."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("opportunity_code", opportunity_code, Opportunity.opportunity_code,
                  required=True)
    acct_code = v.text("account_code", account_code, Account.account_code, required=True)
    owner_ = v.text("owner", owner, Opportunity.owner, required=True)
    amount = v.money("estimated_amount", estimated_amount, required=True)
    created = v.date("created_on", created_on, required=True)
    currency_ = v.currency("currency", currency, default="MXN")
    source_ = v.text("source", source, Opportunity.source)
    account = v.known("account_code", acct_code, find_account(session, acct_code), "account")
    v.unique("opportunity_code", code,
             find_opportunity(session, code, include_withdrawn=True), "opportunity")
    v.check()
    row = Opportunity(opportunity_code=code, account_id=account.id, owner=owner_,
                      estimated_amount=amount, currency=currency_, stage="prospect",
                      created_on=created, source=source_)
    writes.insert(session, actor, row, code, "opportunity_code")
    change = OpportunityStageChange(opportunity_id=row.id, from_stage=None, to_stage="prospect",
                                    changed_on=created)
    writes.insert(session, actor, change, f"{code}:prospect:{created}", "opportunity_code")
    return row


def _last_change_on(session: Session, opportunity_id: int) -> date | None:
    return session.scalar(
        select(func.max(OpportunityStageChange.changed_on)).where(
            OpportunityStageChange.opportunity_id == opportunity_id
        )
    )


def change_opportunity_stage(
    session: Session,
    actor: str,
    *,
    opportunity_code: Any,
    to_stage: Any,
    changed_on: Any,
    lost_reason: Any = None,
) -> OpportunityStageChange:
    """Move forward in prospect → … → negotiation → won | lost (skipping is allowed);
    won and lost are final. Returns the stage-change row."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("opportunity_code", opportunity_code, Opportunity.opportunity_code,
                  required=True)
    stage = v.choice("to_stage", to_stage, STAGES)
    on = v.date("changed_on", changed_on, required=True)
    reason = v.text("lost_reason", lost_reason, OpportunityStageChange.lost_reason)
    opp = v.known("opportunity_code", code, find_opportunity(session, code, lock=True),
                  "opportunity")
    if stage == "lost" and reason is None and not v.has_error("lost_reason"):
        v.fail("lost_reason", "is required when the opportunity is lost")
    if stage is not None and stage != "lost" and reason is not None:
        v.fail("lost_reason", "is only recorded when the opportunity is lost")
    if opp is not None and stage is not None:
        if opp.stage in CLOSED_STAGES:
            v.fail("to_stage", "the opportunity is already {stage}: won and lost are final",
                   stage=opp.stage)
        elif _stage_rank(stage) <= _stage_rank(opp.stage):
            v.fail("to_stage", "cannot move from {stage} to {to}: stages only move forward "
                               "({stages} → won | lost)", stage=opp.stage, to=stage,
                   stages=' → '.join(OPEN_STAGES))
    if opp is not None:
        v.not_before("changed_on", on, opp.created_on, "the opportunity's creation date")
        v.not_before("changed_on", on, _last_change_on(session, opp.id),
                     "the opportunity's last stage change")
    v.check()
    change = OpportunityStageChange(opportunity_id=opp.id, from_stage=opp.stage, to_stage=stage,
                                    changed_on=on, lost_reason=reason)
    writes.insert(session, actor, change, f"{code}:{stage}:{on}", "to_stage")
    closed = {"closed_on": on, "lost_reason": reason} if stage in CLOSED_STAGES else {}
    writes.update(session, actor, opp, code, stage=stage, **closed)
    return change


# --------------------------------------------------------------------------- proposals


def _check_lines(v: Checker, lines: Any) -> list[dict[str, Any]]:
    """Proposal lines (equipment, software, services), each a mapping; numbered from 1."""
    if lines is None:
        return []
    if isinstance(lines, Mapping) or not isinstance(lines, Sequence) or isinstance(lines, str):
        v.fail("lines", "must be a list of lines")
        return []
    checked: list[dict[str, Any]] = []
    for no, line in enumerate(lines, start=1):
        f = f"lines[{no}]"
        if not isinstance(line, Mapping):
            v.fail(f, "must be a mapping of line fields")
            continue
        extra = set(line) - {"line_type", "description", "quantity", "unit_price", "unit_cost"}
        if extra:
            v.fail(f, "unknown line fields: {extra}", extra=', '.join(sorted(extra)))
        checked.append({
            "line_no": no,
            "line_type": v.choice(f"{f}.line_type", line.get("line_type"), LINE_TYPES),
            "description": v.text(f"{f}.description", line.get("description"),
                                  ProposalLine.description, required=True),
            "quantity": v.integer(f"{f}.quantity", line.get("quantity"), required=True,
                                  minimum=1),
            "unit_price": v.money(f"{f}.unit_price", line.get("unit_price"), required=True),
            "unit_cost": v.money(f"{f}.unit_cost", line.get("unit_cost"), required=True),
        })
    return checked


def create_proposal(
    session: Session,
    actor: str,
    *,
    proposal_code: Any,
    opportunity_code: Any,
    proposed_on: Any,
    price: Any,
    cost: Any,
    currency: Any = "MXN",
    status: Any = "sent",
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> Proposal:
    actor = check_actor(actor)
    v = Checker()
    code = v.text("proposal_code", proposal_code, Proposal.proposal_code, required=True)
    opp_code = v.text("opportunity_code", opportunity_code, Opportunity.opportunity_code,
                      required=True)
    on = v.date("proposed_on", proposed_on, required=True)
    price_ = v.money("price", price, required=True)
    cost_ = v.money("cost", cost, required=True)
    currency_ = v.currency("currency", currency, default="MXN")
    status_ = v.choice("status", status, PROPOSAL_STATUSES, default="sent")
    checked_lines = _check_lines(v, lines)
    opp = v.known("opportunity_code", opp_code, find_opportunity(session, opp_code),
                  "opportunity")
    v.unique("proposal_code", code, find_proposal(session, code, include_withdrawn=True),
             "proposal")
    if opp is not None:
        v.not_before("proposed_on", on, opp.created_on, "the opportunity's creation date")
        if currency_ is not None and currency_ != opp.currency:
            v.fail("currency", "must be the opportunity's currency ({currency})",
                   currency=opp.currency)
    v.check()
    row = Proposal(proposal_code=code, opportunity_id=opp.id, proposed_on=on, price=price_,
                   cost=cost_, currency=currency_, status=status_)
    writes.insert(session, actor, row, code, "proposal_code")
    for line in checked_lines:
        writes.insert(session, actor, ProposalLine(proposal_id=row.id, **line),
                      f"{code}:{line['line_no']}", "lines")
    return row


def set_proposal_status(
    session: Session, actor: str, *, proposal_code: Any, status: Any
) -> Proposal:
    """draft → sent → accepted | rejected (a draft may also be decided directly)."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("proposal_code", proposal_code, Proposal.proposal_code, required=True)
    status_ = v.choice("status", status, PROPOSAL_STATUSES)
    proposal = v.known("proposal_code", code, find_proposal(session, code, lock=True), "proposal")
    if proposal is not None and status_ is not None:
        allowed = PROPOSAL_MOVES.get(proposal.status, set())
        if status_ not in allowed:
            v.fail("status", "cannot change a {status} proposal to {to}", status=proposal.status,
                   to=status_)
    v.check()
    return writes.update(session, actor, proposal, code, status=status_)


def withdraw_proposal(session: Session, actor: str, *, proposal_code: Any) -> Proposal:
    """Only drafts can be withdrawn: a sent proposal is a fact the customer has seen."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("proposal_code", proposal_code, Proposal.proposal_code, required=True)
    proposal = v.known("proposal_code", code, find_proposal(session, code, lock=True), "proposal")
    if proposal is not None and proposal.status != "draft":
        v.fail("proposal_code", "only draft proposals can be withdrawn (this one is {status})",
               status=proposal.status)
    v.check()
    return writes.withdraw(session, actor, proposal, code)
