"""The KPI targets page ("Metas de KPI"): a director records a new target from a month on
with the reason (audited); bad input writes nothing; only directors and admin open it."""

from __future__ import annotations

import json

from sqlalchemy import select

from operational_app.domain import kpi_targets
from operational_app.store.engine import read_session
from operational_app.store.models import AuditLog, KpiTarget

from .app_helpers import errors_text, goto, login, nav_paths, row_counts, unescape
from .form_cases import fill, submit

PAGE = "metas-de-kpi"


def _open(username: str = "director"):
    at = login(username)
    goto(at, PAGE)
    assert not at.exception, at.exception
    return at


def test_a_director_records_a_target_from_a_month_with_the_reason(app_home):
    at = _open()
    assert at.title[0].value == "Metas de KPI"
    month = kpi_targets.earliest_allowed_month()
    fill(at, "meta-kpi", {"kpi_code": "win_rate", "effective_from": month, "target": "42.5",
                          "amber": "36", "reason": "Plan comercial: subir la meta"})
    submit(at, "meta-kpi")
    assert not at.error, errors_text(at)
    assert "Tasa de cierre" in unescape(at.success[0].value)  # the KPI by its name
    from seiton.webapp.formats import fmt_month

    assert unescape(at.success[0].value).endswith(f" · {fmt_month(month, 'es')} · 42.5**")
    assert at.text_input(key="meta-kpi-target").value == ""  # the form is cleared
    assert at.text_area(key="meta-kpi-reason").value == ""
    with read_session() as s:
        row = s.scalars(select(KpiTarget)).one()
        assert (row.kpi_code, row.effective_from, str(row.target), str(row.amber)) == (
            "win_rate", month, "42.500000", "36.000000")
        assert row.created_by == "director"
        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "kpi_targets")).one()
        assert audit.username == "director"
        assert json.loads(audit.after_json)["reason"] == "Plan comercial: subir la meta"
    # the change is listed under "Cambios registrados" after the rerun
    history = next(df.value for df in at.dataframe if "Motivo" in df.value.columns)
    assert history.iloc[0]["Motivo"] == "Plan comercial: subir la meta"
    assert history.iloc[0]["Meta"] == "42.5"


def test_a_change_without_reason_or_with_a_wrong_band_writes_nothing(app_home):
    at = _open("admin")
    before = row_counts()
    fill(at, "meta-kpi", {"kpi_code": "dso_days", "target": "45", "amber": "30",
                          "reason": ""})
    submit(at, "meta-kpi")
    shown = unescape(errors_text(at))
    assert "No se guardó nada" in shown
    assert "Motivo" in shown and "Umbral ámbar" in shown  # both fields named, in Spanish
    assert row_counts() == before


def test_the_page_is_listed_for_directors_and_admin_only(app_home):
    for username, listed in (("director", True), ("admin", True), ("finance", False),
                             ("analyst", False), ("finanzas", False)):
        at = login(username)
        assert (PAGE in nav_paths(at, [PAGE])) is listed, username


def test_the_page_speaks_english_too(app_home):
    at = login("director")
    at.session_state["lang"] = "en"
    goto(at, PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "KPI targets"
