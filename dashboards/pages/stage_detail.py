"""Stage detail: one stage's KPIs over 12 months against target, and the records behind them.

docs/stages-and-kpis.md, "The director's stage-health view": a 12-month trend, and a drill-down
to the records behind each figure.
Each KPI's trend shows the target and the amber band; choosing a KPI and a month lists the
records kpi_monthly aggregated for it (marts.fct_kpi_records), so the figure can be
checked by hand. The collections KPIs (DSO, CEI, AR over 60 days) drill down to the
invoices open at that month end (marts.fct_ar_aging_monthly). The view is in the URL:
`?stage=operation&kpi=sla_response_rate&month=2026-10`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import columns, queries
from dashboards.pages.stage_health import (
    STATUS_COLORS,
    choose_month,
    fmt_value,
    is_missing,
    kpi_name,
    md_escape,
    month_label,
    month_options,
    month_start,
    number,
    stage_name,
    status_color,
    status_text,
    target_text,
)
from seiton.webapp.i18n import register, t

register({
    "sd_unit_count": {"es": "número", "en": "count"},
    "sd_intro": {
        "es": "Tendencia de 12 meses de cada indicador frente a su meta (línea verde) y su "
              "umbral ámbar (línea naranja); elige un indicador para ver los registros detrás "
              "de la cifra.",
        "en": "12-month trend of each KPI against its target (green line) and amber threshold "
              "(orange line); choose a KPI to see the records behind the figure.",
    },
    "sd_trends": {"es": "Tendencias", "en": "Trends"},
    "sd_drill": {"es": "Registros detrás de la cifra", "en": "Records behind the figure"},
    "sd_records": {"es": "Registros", "en": "Records"},
    "sd_no_records": {"es": "No hay registros para este indicador en el mes.",
                      "en": "No records for this KPI in the month."},
    "sd_truncated": {"es": "Se muestran los primeros {n} registros de {total}.",
                     "en": "Showing the first {n} records of {total}."},
    "sd_ar_open": {"es": "Facturas abiertas al cierre del mes", "en": "Invoices open at month end"},
    "sd_ar_unavailable": {"es": "El detalle de cartera aún no está disponible.",
                          "en": "The receivables detail is not available yet."},
    "sd_how_median": {"es": "Mediana de {n} registros.", "en": "Median of {n} records."},
    "sd_how_mean": {"es": "Promedio: {num} ÷ {n} registros.", "en": "Mean: {num} ÷ {n} records."},
    "sd_how_ratio": {"es": "{num} ÷ {den} × 100.", "en": "{num} ÷ {den} × 100."},
    "sd_how_count": {"es": "Suma de {n} registros.", "en": "Sum over {n} records."},
    "sd_how_external": {"es": "Calculado por el mart de cobranza: {num} ÷ {den}.",
                        "en": "Computed by the collections mart: {num} ÷ {den}."},
})

DRILL_LIMIT = 5000
AR_KPIS = ("dso_days", "cei_pct", "overdue_60_pct")

STAGES_SQL = "select stage_id, stage_code, name_es, name_en from marts.dim_stage order by stage_id"

HISTORY_SQL = """
select stage_code, kpi_code, kpi_order, kpi_name_es, kpi_name_en, unit, direction, aggregation,
       month, value, target, amber, status, numerator, denominator, record_count
from marts.kpi_monthly
where stage_code = ? and month between cast(? as date) - interval 11 month and cast(? as date)
order by kpi_order nulls last, kpi_code, month
"""

RECORDS_SQL = """
select record_type, record_key, record_date, account_code, contract_number, numerator,
       denominator, detail, count(*) over () as total_records
from marts.fct_kpi_records
where kpi_code = ? and month = cast(? as date)
order by record_date, record_key
limit ?
"""

AR_SQL = """
select invoice_number, account_code, contract_number, due_on, open_amount_mxn, days_past_due,
       bucket, count(*) over () as total_records
from marts.fct_ar_aging_monthly
where month = cast(? as date) and (? = false or days_past_due > 60)
order by days_past_due desc, invoice_number
limit ?
"""


def choose_stage(stages: pd.DataFrame) -> str:
    codes = list(stages["stage_code"])
    names = {r.stage_code: f"{r.stage_id} · {stage_name(r)}" for r in stages.itertuples()}
    wanted = st.query_params.get("stage")
    current = wanted if wanted in codes else codes[0]
    chosen = st.selectbox(t("kpi_stage"), codes, index=codes.index(current),
                          format_func=names.get, key="stage")
    st.query_params["stage"] = chosen
    return chosen


def choose_kpi(kpis: pd.DataFrame) -> str:
    codes = list(dict.fromkeys(kpis["kpi_code"]))
    names = {r.kpi_code: kpi_name(r) for r in kpis.itertuples()}
    wanted = st.query_params.get("kpi")
    current = wanted if wanted in codes else codes[0]
    chosen = st.selectbox(t("kpi_kpi"), codes, index=codes.index(current), format_func=names.get,
                          key="kpi")
    st.query_params["kpi"] = chosen
    return chosen


def trend(history: pd.DataFrame) -> go.Figure:
    """One KPI over 12 months: bars coloured by status, target and amber thresholds."""
    first = history.iloc[0]
    labels = [month_label(m, short=True) for m in history["month"]]
    values = [fmt_value(v, first.unit) for v in history["value"]]
    statuses = [status_text(s) for s in history["status"]]
    fig = go.Figure(go.Bar(
        x=labels, y=history["value"],
        marker={"color": [status_color(s) for s in history["status"]]},
        # the value on each bar: a 0 shows as "0.0 %", a month without data shows nothing
        text=["" if is_missing(v) else fmt_value(v, first.unit) for v in history["value"]],
        textposition="outside", cliponaxis=False, textfont={"size": 13},
        customdata=list(zip(values, statuses, strict=True)),
        hovertemplate="%{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
    ))
    # the target and amber threshold in force each month: a change (KPI targets page)
    # moves the line from its month on, never before (docs/kpis.md, "Targets")
    latest = history.iloc[-1]
    for column, color, dash in (("target", STATUS_COLORS["green"], "dash"),
                                ("amber", STATUS_COLORS["amber"], "dot")):
        levels = [None if is_missing(v) else float(v) for v in history[column]]
        if any(v is not None for v in levels):
            fig.add_trace(go.Scatter(
                x=labels, y=levels, mode="lines", line={"color": color, "dash": dash,
                                                        "shape": "hvh", "width": 1.5},
                hoverinfo="skip", showlegend=False))
    if not is_missing(latest.target):
        # above the plot, at its right edge: inside it the text covered bars and their values
        fig.add_annotation(x=1, y=1, xref="paper", yref="paper", xanchor="right",
                           yanchor="bottom", yshift=4, text=target_text(latest),
                           showarrow=False, font={"size": 12})
    fig.update_layout(title=kpi_name(first), height=280, showlegend=False,
                      font={"size": 13}, margin={"l": 10, "r": 10, "t": 56, "b": 10},
                      yaxis={"tickformat": ",.0f" if first.unit in ("mxn", "count") else ",.1f",
                             "title": {"text": axis_unit(first.unit)}})
    return fig


def axis_unit(unit: str) -> str:
    """The y-axis title: the unit the values are in (docs/kpis.md, the catalogue's units)."""
    return {"pct": "%", "days": t("unit_days"), "hours": "h", "mxn": "MXN"}.get(
        unit, t("sd_unit_count"))


def how_computed(row) -> str:
    n = int(row.record_count) if not is_missing(row.record_count) else 0
    num = "—" if is_missing(row.numerator) else number(row.numerator, 2)
    den = "—" if is_missing(row.denominator) else number(row.denominator, 2)
    template = {
        "median": "sd_how_median", "mean": "sd_how_mean", "ratio_pct": "sd_how_ratio",
        "count": "sd_how_count", "sum": "sd_how_count", "external": "sd_how_external",
    }.get(row.aggregation)
    return t(template).format(n=n, num=num, den=den) if template else ""


def render() -> None:
    st.title(t("page_stage_detail"))
    st.caption(t("sd_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    months = month_options()
    if months.empty:
        st.info(t("kpi_no_months"))
        return
    stages = queries.df(STAGES_SQL)
    left, right = st.columns(2)
    with left:
        stage = choose_stage(stages)
    with right:
        chosen = choose_month(months)
    month = month_start(chosen)
    history = queries.df(HISTORY_SQL, (stage, month, month))
    if history.empty:
        st.info(t("kpi_no_months"))
        return
    history["month"] = pd.to_datetime(history["month"])

    st.subheader(t("sd_trends"))
    codes = list(dict.fromkeys(history["kpi_code"]))
    cols = st.columns(2)
    for i, code in enumerate(codes):
        with cols[i % 2]:
            st.plotly_chart(trend(history[history["kpi_code"] == code]),
                            config={"displayModeBar": False}, key=f"trend-{code}")

    st.subheader(t("sd_drill"))
    kpi = choose_kpi(history)
    row = history[(history["kpi_code"] == kpi) & (history["month"] == pd.Timestamp(month))]
    if row.empty:
        st.info(t("sd_no_records"))
        return
    row = next(row.itertuples())
    a, b, c = st.columns(3)
    a.metric(f"{kpi_name(row)} · {month_label(month)}", fmt_value(row.value, row.unit))
    b.metric(t("kpi_status"), status_text(row.status))
    c.metric(t("sd_records"), int(row.record_count) if not is_missing(row.record_count) else 0)
    st.caption(md_escape(" · ".join(filter(None, [target_text(row), how_computed(row)]))))
    if kpi in AR_KPIS:
        _receivables(month, only_over_60=kpi == "overdue_60_pct")
    else:
        _records(kpi, month)


def _records(kpi: str, month) -> None:
    records = queries.df(RECORDS_SQL, (kpi, month, DRILL_LIMIT))
    if records.empty:
        st.info(t("sd_no_records"))
        return
    total = int(records["total_records"].iloc[0])
    if total > len(records):
        st.caption(t("sd_truncated").format(n=f"{len(records):,}", total=f"{total:,}"))
    shown = records.drop(columns=["total_records"])
    st.dataframe(shown, hide_index=True,
                 column_config=columns.column_config(shown, "fct_kpi_records"))


def _receivables(month, only_over_60: bool) -> None:
    st.markdown(f"**{t('sd_ar_open')}**")
    try:
        invoices = queries.df(AR_SQL, (month, only_over_60, DRILL_LIMIT))
    except Exception:  # noqa: BLE001 - the collections marts are optional for this page
        st.info(t("sd_ar_unavailable"))
        return
    if invoices.empty:
        st.info(t("sd_no_records"))
        return
    total = int(invoices["total_records"].iloc[0])
    if total > len(invoices):
        st.caption(t("sd_truncated").format(n=f"{len(invoices):,}", total=f"{total:,}"))
    shown = invoices.drop(columns=["total_records"])
    st.dataframe(shown, hide_index=True,
                 column_config=columns.column_config(shown, "fct_ar_aging_monthly"))
