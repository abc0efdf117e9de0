"""KPI targets and amber thresholds that directors and the admin change in the app
(docs/kpis.md, "Targets").

A change is a new row effective from the first day of a month, with the reason; it applies
from that month on, until a later change. Rows are never edited or deleted (the DB's
triggers refuse it too), and a change may not start before the current month: the months
already judged keep the target they were judged against, so past statuses and trend lines
do not move. Months before any change use the kpi_catalog seed's defaults (the values a new
company starts from). The warehouse resolves the target in force per KPI and month
(int_kpi_targets_resolved); this module only validates and records changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import fields, writes
from operational_app.domain.fields import RATE_PLACES, Checker, check_actor, first_of_month
from operational_app.domain.reference import kpi_catalog
from operational_app.store.models import KpiTarget, User

# Who may change targets (contract.md, Roles: directors own the KPIs; admin everything).
TARGET_ROLES = ("director", "admin")


def _check_actor_role(v: Checker, session: Session, actor: str) -> None:
    user = session.scalars(select(User).where(User.username == actor)).first()
    if user is None or not user.is_active:
        v.fail("actor", "unknown or inactive user '{actor}'", actor=actor)
    elif user.role not in TARGET_ROLES:
        v.fail("actor", "a {role} cannot change KPI targets ({roles} only)", role=user.role,
               roles=' or '.join(TARGET_ROLES))


def earliest_allowed_month(on: date | None = None) -> date:
    """The first month a change may start from (the current month)."""
    return first_of_month(on or fields.today())  # fields.today: tests pin the day


def set_kpi_target(
    session: Session,
    actor: str,
    *,
    kpi_code: Any,
    effective_from: Any,
    target: Any,
    amber: Any,
    reason: Any,
) -> KpiTarget:
    """Record a KPI's new target and amber threshold from the month `effective_from` on."""
    actor = check_actor(actor)
    v = Checker()
    _check_actor_role(v, session, actor)
    catalog = kpi_catalog()
    code = v.choice("kpi_code", kpi_code, list(catalog))
    start = v.date("effective_from", effective_from, required=True)
    if start is not None:
        this_month = earliest_allowed_month()
        if start.day != 1:
            v.fail("effective_from", "must be the first day of a month")
        elif start < this_month:
            v.fail("effective_from", "must not be before the current month ({this_month}): "
                                     "months already judged keep their target",
                   this_month=this_month)
    goal = v.decimal("target", target, places=RATE_PLACES, required=True)
    band = v.decimal("amber", amber, places=RATE_PLACES, required=True)
    why = v.text("reason", reason, KpiTarget.reason, required=True, multiline=True)
    if code is not None and goal is not None and band is not None:
        direction = catalog[code].direction
        if direction == "up" and band > goal:
            v.fail("amber", "must be ≤ the target ({goal}): higher is better for {code}",
                   goal=goal, code=code)
        if direction == "down" and band < goal:
            v.fail("amber", "must be ≥ the target ({goal}): lower is better for {code}", goal=goal,
                   code=code)
    v.check()
    row = KpiTarget(kpi_code=code, effective_from=start, target=goal, amber=band, reason=why)
    return writes.insert(session, actor, row, f"{code}:{start}", "effective_from")


def history(session: Session, kpi_code: str | None = None) -> list[KpiTarget]:
    """Every recorded change, newest first (by month, then by when it was recorded)."""
    query = select(KpiTarget).order_by(KpiTarget.effective_from.desc(), KpiTarget.id.desc())
    if kpi_code is not None:
        query = query.where(KpiTarget.kpi_code == kpi_code)
    return list(session.scalars(query))


