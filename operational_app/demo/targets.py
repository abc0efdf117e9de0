"""The demo's director changes one KPI target in the app, as directors do after a quarterly
review (docs/kpis.md "Targets"): the first-time-fix target goes up from 80 % to 85 % (amber
75 %) from the month after the history's end — a target can only change from the current
month on, the months already judged keep theirs. Written through the domain layer
(audited, with the reason), like every other demo write."""

from __future__ import annotations

from datetime import date

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import add_months, month_start
from operational_app.domain import fields, kpi_targets
from operational_app.store.engine import write_session

KPI = "first_time_fix_rate"
TARGET, AMBER = "85", "75"
REASON = ("Revisión trimestral: con el nuevo stock de refacciones en ruta, la dirección sube la "
          "meta de solución a la primera")


def change_targets(url: str, until: date) -> date:
    """Record the change; returns the month it applies from."""
    effective = max(add_months(month_start(until), 1), month_start(fields.today()))
    with write_session(url) as session:
        kpi_targets.set_kpi_target(session, P.ACTOR_DIRECTOR, kpi_code=KPI,
                                   effective_from=effective, target=TARGET, amber=AMBER,
                                   reason=REASON)
    return effective
