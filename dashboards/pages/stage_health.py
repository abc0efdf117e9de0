"""Stage health: the six stages in chain order, each with its KPIs for the chosen month.

Directors' first view (docs/value-chain.md, "The director's stage-health view"): one tile per
stage with every KPI's value, its status colour against the catalog's target and amber
band, and a 12-month sparkline. The month is in the URL (`?month=2026-10`) so a view can
be shared; each tile links to the stage's detail page.

The formatting helpers at the top are shared by the other KPI pages (stage_detail,
lead_to_cash): numbers as written in Mexico (1,234.5), Spanish labels by default.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboards import queries
from seiton.webapp.i18n import lang, register, t

register({
    "page_stage_health": {"es": "Salud de las etapas", "en": "Stage health"},
    "page_stage_detail": {"es": "Detalle de etapa", "en": "Stage detail"},
    "page_lead_to_cash": {"es": "Del prospecto al cobro", "en": "Lead to cash"},
    "kpi_month": {"es": "Mes", "en": "Month"},
    "kpi_stage": {"es": "Etapa", "en": "Stage"},
    "kpi_kpi": {"es": "Indicador", "en": "KPI"},
    "kpi_value": {"es": "Valor", "en": "Value"},
    "kpi_target": {"es": "Meta", "en": "Target"},
    "kpi_amber": {"es": "Umbral ámbar", "en": "Amber threshold"},
    "kpi_status": {"es": "Estado", "en": "Status"},
    "kpi_green": {"es": "En meta", "en": "On target"},
    "kpi_amber_status": {"es": "En alerta", "en": "Warning"},
    "kpi_red": {"es": "Fuera de meta", "en": "Off target"},
    "kpi_no_status": {"es": "Sin meta o sin dato", "en": "No target or no data"},
    "kpi_no_data": {"es": "sin dato", "en": "no data"},
    "kpi_partial": {"es": "mes en curso (parcial)", "en": "current month (partial)"},
    "kpi_no_months": {"es": "El almacén aún no tiene indicadores.",
                      "en": "The warehouse has no KPIs yet."},
    "kpi_see_detail": {"es": "Ver detalle", "en": "See detail"},
    "kpi_trend_12": {"es": "Últimos 12 meses", "en": "Last 12 months"},
    "sh_intro": {
        "es": "Cada etapa de la cadena con sus indicadores del mes: verde en meta, ámbar en "
              "alerta, rojo fuera de meta. La línea punteada de cada tendencia es la meta.",
        "en": "Each stage of the chain with its KPIs for the month: green on target, amber "
              "warning, red off target. The dotted line in each trend is the target.",
    },
    "unit_days": {"es": "días", "en": "days"},
})

STATUS_COLORS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828"}
NO_STATUS_COLOR = "#9e9e9e"
# Streamlit's markdown colour names for the same statuses
STATUS_MD = {"green": "green", "amber": "orange", "red": "red"}
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
DETAIL_PATH = "detalle-de-etapa"

STAGES_SQL = """
select stage_id, stage_code, name_es, name_en
from marts.dim_stage
order by stage_id
"""

MONTHS_SQL = """
select month, bool_or(is_partial_month) as is_partial
from marts.kpi_monthly
group by month
order by month desc
"""

KPIS_SQL = """
select stage_code, stage_id, kpi_code, kpi_order, kpi_name_es, kpi_name_en, unit, direction,
       month, value, target, amber, status, numerator, denominator, record_count
from marts.kpi_monthly
where month between cast(? as date) - interval 11 month and cast(? as date)
order by stage_id, kpi_order nulls last, kpi_code, month
"""


# --------------------------------------------------------------------------- formatting


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def number(value, decimals: int = 1) -> str:
    """A number as written in Mexico: comma thousands, point decimals (1,234.5)."""
    return f"{float(value):,.{decimals}f}"


def fmt_value(value, unit: str) -> str:
    """A KPI value in its unit, for people: 95.3 %, 12.5 días, 8.2 h, 3, $1,234,568."""
    if is_missing(value):
        return "—"
    if unit == "pct":
        return f"{number(value, 1)} %"
    if unit == "days":
        return f"{number(value, 1)} {t('unit_days')}"
    if unit == "hours":
        return f"{number(value, 1)} h"
    if unit == "mxn":
        return f"${number(value, 0)}"
    return number(value, 0)


def fmt_money(value) -> str:
    return "—" if is_missing(value) else f"${number(value, 2)}"


def month_label(value, short: bool = False) -> str:
    day = pd.Timestamp(value).date()
    names = MONTHS_ES if lang() == "es" else MONTHS_EN
    name = names[day.month - 1]
    return f"{name[:3]} {day.year}" if short else f"{name} {day.year}"


def target_text(row) -> str:
    """"Meta ≥ 35 %" / "Target ≤ 45 days"; empty when the KPI has no target."""
    if is_missing(row.target):
        return ""
    sign = "≥" if row.direction == "up" else "≤"
    return f"{t('kpi_target')} {sign} {fmt_value(row.target, row.unit)}"


def status_text(status) -> str:
    return {"green": t("kpi_green"), "amber": t("kpi_amber_status"),
            "red": t("kpi_red")}.get(status, t("kpi_no_status"))


def status_color(status) -> str:
    return STATUS_COLORS.get(status, NO_STATUS_COLOR)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def md_escape(text) -> str:
    """Data shown inside markdown is escaped: it never becomes a link, markup or colour."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def colored(text: str, status) -> str:
    """Already-escaped markdown text in the status colour (Streamlit's :color[...] syntax)."""
    return f":{STATUS_MD.get(status, 'gray')}[{text}]"


def kpi_name(row) -> str:
    return row.kpi_name_es if lang() == "es" else row.kpi_name_en


def stage_name(row) -> str:
    return row.name_es if lang() == "es" else row.name_en


# --------------------------------------------------------------------------- view state


def month_options() -> pd.DataFrame:
    months = queries.df(MONTHS_SQL)
    if not months.empty:
        months["key"] = pd.to_datetime(months["month"]).dt.strftime("%Y-%m")
    return months


def default_month(months: pd.DataFrame) -> str:
    """The latest complete month (the as-of month is partial until it ends)."""
    complete = months[~months["is_partial"].astype(bool)]
    return (complete if not complete.empty else months)["key"].iloc[0]


def choose_month(months: pd.DataFrame, key: str = "month") -> str:
    """Month picker bound to ?month=YYYY-MM (shareable)."""
    keys = list(months["key"])
    partial = set(months.loc[months["is_partial"].astype(bool), "key"])
    wanted = st.query_params.get("month")
    current = wanted if wanted in keys else default_month(months)

    def label(k: str) -> str:
        text = month_label(f"{k}-01")
        return f"{text} ({t('kpi_partial')})" if k in partial else text

    chosen = st.selectbox(t("kpi_month"), keys, index=keys.index(current), format_func=label,
                          key=key)
    st.query_params["month"] = chosen
    return chosen


def month_start(key: str) -> date:
    return date.fromisoformat(f"{key}-01")


def detail_page() -> st.Page:
    """The stage-detail page as st.navigation registered it (same url path)."""
    return st.Page(_detail_placeholder, title=t("page_stage_detail"), url_path=DETAIL_PATH)


def _detail_placeholder() -> None:  # pragma: no cover - only its url path is used
    pass


# --------------------------------------------------------------------------- charts


def sparkline(history: pd.DataFrame, unit: str, target) -> go.Figure:
    """12 months of one KPI: points coloured by status, the target dotted; hover = value."""
    x = pd.to_datetime(history["month"])
    text = [fmt_value(v, unit) for v in history["value"]]
    labels = [month_label(m, short=True) for m in history["month"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=history["value"], mode="lines+markers",
        line={"color": "#607d8b", "width": 1.5},
        marker={"size": 6, "color": [status_color(s) for s in history["status"]]},
        customdata=list(zip(labels, text, strict=True)),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    ))
    if not is_missing(target):
        fig.add_hline(y=float(target), line={"color": STATUS_COLORS["green"], "dash": "dot",
                                             "width": 1})
    fig.update_layout(height=70, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
                      xaxis={"visible": False}, yaxis={"visible": False},
                      plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")
    return fig


# --------------------------------------------------------------------------- page


def render() -> None:
    st.title(t("page_stage_health"))
    st.caption(t("sh_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    months = month_options()
    if months.empty:
        st.info(t("kpi_no_months"))
        return
    chosen = choose_month(months)
    month = month_start(chosen)
    stages = queries.df(STAGES_SQL)
    kpis = queries.df(KPIS_SQL, (month, month))
    kpis["month"] = pd.to_datetime(kpis["month"])
    current = kpis[kpis["month"] == pd.Timestamp(month)]

    counts = current["status"].value_counts()
    cols = st.columns(4)
    for col, status in zip(cols, ("green", "amber", "red", None), strict=True):
        n = int(counts.get(status, 0)) if status else int(current["status"].isna().sum())
        col.metric(status_text(status), n)

    rows = list(stages.itertuples())
    for first in range(0, len(rows), 3):  # two rows of three tiles, in chain order
        for col, stage in zip(st.columns(3), rows[first:first + 3], strict=False):
            with col.container(border=True):
                _stage_tile(stage, kpis[kpis["stage_code"] == stage.stage_code], month, chosen)


def _stage_tile(stage, kpis: pd.DataFrame, month: date, chosen: str) -> None:
    st.subheader(f"{stage.stage_id} · {stage_name(stage)}")
    current = kpis[kpis["month"] == pd.Timestamp(month)]
    for row in current.itertuples():
        history = kpis[kpis["kpi_code"] == row.kpi_code]
        left, right = st.columns([3, 2])
        left.markdown(f"{colored('●', row.status)} {md_escape(kpi_name(row))}",
                      help=target_text(row) or None)
        right.markdown(f"**{colored(md_escape(fmt_value(row.value, row.unit)), row.status)}**")
        st.plotly_chart(sparkline(history, row.unit, row.target),
                        config={"displayModeBar": False},
                        key=f"spark-{stage.stage_code}-{row.kpi_code}")
    try:
        st.page_link(detail_page(), label=t("kpi_see_detail"), icon=":material/query_stats:",
                     query_params={"stage": stage.stage_code, "month": chosen})
    except StreamlitAPIException:  # the user's navigation has no detail page
        pass
