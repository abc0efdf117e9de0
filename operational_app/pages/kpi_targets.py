"""KPI targets ("Metas de KPI"): directors and the admin change a KPI's target and amber
threshold from a month on, with the reason (docs/kpis.md, Targets).

Changes go through the domain layer (operational_app/domain/kpi_targets.py), which
validates and audits them; nothing here edits a stored change. The dashboards judge each
month against the target in force then (int_kpi_targets_resolved) after the next refresh,
which the write requests.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from operational_app.domain import kpi_targets
from operational_app.domain.reference import kpi_catalog, stage_names
from operational_app.pages.forms import EntryForm, records_table, success
from operational_app.store.engine import read_session
from seiton.webapp.formats import fmt_month
from seiton.webapp.i18n import STRINGS, lang, register, t

MONTHS_AHEAD = 12  # the months offered: the current one and the next twelve

register({
    "kt_unit_pct": {"es": "%", "en": "%"},
    "kt_unit_days": {"es": "días", "en": "days"},
    "kt_unit_hours": {"es": "horas", "en": "hours"},
    "kt_unit_mxn": {"es": "MXN", "en": "MXN"},
    "kt_unit_count": {"es": "número", "en": "count"},
    "kt_title": {"es": "Metas de KPI", "en": "KPI targets"},
    "kt_intro": {
        "es": "Cambia la meta y el umbral ámbar de un indicador a partir de un mes. Los meses "
              "anteriores conservan la meta con la que se evaluaron; el motivo es obligatorio "
              "y queda en la bitácora. Los tableros lo reflejan tras la siguiente "
              "actualización del almacén.",
        "en": "Change a KPI's target and amber threshold from a month on. Earlier months keep "
              "the target they were judged against; the reason is required and audited. The "
              "dashboards show it after the next warehouse refresh.",
    },
    "kt_new": {"es": "Nueva meta", "en": "New target"},
    "kt_saved": {"es": "Meta registrada", "en": "Target recorded"},
    "kt_defaults": {"es": "Indicadores y metas por omisión", "en": "KPIs and default targets"},
    "kt_history": {"es": "Cambios registrados", "en": "Recorded changes"},
    "kt_direction_up": {"es": "mayor es mejor", "en": "higher is better"},
    "kt_direction_down": {"es": "menor es mejor", "en": "lower is better"},
    "kt_amber_help": {
        "es": "Si mayor es mejor, el umbral ámbar va por debajo de la meta; si menor es "
              "mejor, por encima.",
        "en": "When higher is better the amber threshold is below the target; when lower is "
              "better, above it.",
    },
    "kt_col_stage": {"es": "Etapa", "en": "Stage"},
    "kt_col_unit": {"es": "Unidad", "en": "Unit"},
    "kt_col_direction": {"es": "Dirección", "en": "Direction"},
    "kt_col_default_target": {"es": "Meta por omisión", "en": "Default target"},
    "kt_col_default_amber": {"es": "Ámbar por omisión", "en": "Default amber"},
    "kt_col_recorded_at": {"es": "Registrado (UTC)", "en": "Recorded (UTC)"},
})


def _months(start: date) -> list[date]:
    out, month = [], start
    for _ in range(MONTHS_AHEAD + 1):
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _num(value) -> str:
    """A stored decimal without its trailing zeros, never in exponent form (40, 33.5)."""
    return "" if value is None else format(value.normalize(), "f")


def _kpi_label(code: str) -> str:
    """The KPI's name in the UI language (its code stays in the URL and the database)."""
    kpi = kpi_catalog()[code]
    return kpi.name_es if lang() == "es" else kpi.name_en


def _unit(unit: str) -> str:
    return t(f"kt_unit_{unit}") if f"kt_unit_{unit}" in STRINGS else unit


def _direction(code: str) -> str:
    return t(f"kt_direction_{kpi_catalog()[code].direction}")


def render() -> None:
    st.title(t("kt_title"))
    st.caption(t("kt_intro"))
    catalog = kpi_catalog()
    months = _months(kpi_targets.earliest_allowed_month())
    with EntryForm("meta-kpi", t("kt_new")) as f:
        left, right = st.columns(2)
        with left:
            code = f.choice("kpi_code", list(catalog), format_func=_kpi_label)
            start = f.choice("effective_from", months, format_func=lambda m: m.strftime("%Y-%m"))
        with right:
            target = f.number("target")
            amber = f.number("amber", help=t("kt_amber_help"))
        reason = f.text("reason", area=True)
    if f.submitted:
        f.save(lambda s, actor: kpi_targets.set_kpi_target(
            s, actor, kpi_code=code, effective_from=start, target=target, amber=amber,
            reason=reason),
            lambda row: success(t("kt_saved"), _kpi_label(row.kpi_code),
                                fmt_month(row.effective_from), row.target))

    st.subheader(t("kt_history"))
    with read_session() as s:
        changes = kpi_targets.history(s)
        history = pd.DataFrame([{
            "kpi_code": _kpi_label(r.kpi_code), "effective_from": r.effective_from.strftime("%Y-%m"),
            "target": _num(r.target), "amber": _num(r.amber),
            "created_by": r.created_by, "recorded_at": r.created_at,
            "reason": r.reason} for r in changes])
    records_table(history, key="kt-history",
                  column_labels={"recorded_at": t("kt_col_recorded_at")})

    st.subheader(t("kt_defaults"))
    defaults = pd.DataFrame([{
        "stage": stage_names()[k.stage_code][lang()], "kpi_code": _kpi_label(k.kpi_code),
        "unit": _unit(k.unit),
        "direction": _direction(k.kpi_code),
        "default_target": _num(k.target), "default_amber": _num(k.amber),
    } for k in catalog.values()])
    records_table(defaults, key="kt-defaults", column_labels={
        "stage": t("kt_col_stage"), "unit": t("kt_col_unit"),
        "direction": t("kt_col_direction"), "default_target": t("kt_col_default_target"),
        "default_amber": t("kt_col_default_amber")})
