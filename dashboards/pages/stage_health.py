"""Stage health: the six stages in chain order, each with its KPIs for the chosen month.

Directors' first view (docs/stages-and-kpis.md, "The director's stage-health view"): one tile per
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
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboards import queries
from seiton.webapp import formats
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
    return formats.fmt_month(value, short=short)


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


SPARK_W, SPARK_H, SPARK_PAD = 240, 44, 4  # px of the drawn sparkline


def sparkline_svg(history: pd.DataFrame) -> str:
    """12 months of one KPI as a small SVG drawn here: the line, one point per month coloured
    by its status, the target in force each month dotted. Drawn on the server and shown as an image, so the page
    ships 32 small pictures instead of 32 charting widgets — the first open of the page was
    dominated by building and drawing those (docs/performance.md, "Stage health"). Only
    numbers and fixed colours go into the SVG, never text from the data. The stage-detail
    page keeps the interactive trends."""
    values = [None if is_missing(v) else float(v) for v in history["value"]]
    statuses = list(history["status"])
    known = [v for v in values if v is not None]
    goals = [None if is_missing(v) else float(v) for v in history["target"]]
    known_goals = [g for g in goals if g is not None]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_W}" height="{SPARK_H}" '
             f'viewBox="0 0 {SPARK_W} {SPARK_H}">']
    if known:
        low = min(known + known_goals)
        high = max(known + known_goals)
        span = (high - low) or 1.0
        step = (SPARK_W - 2 * SPARK_PAD) / max(len(values) - 1, 1)

        def y(v: float) -> float:
            return SPARK_H - SPARK_PAD - (v - low) / span * (SPARK_H - 2 * SPARK_PAD)

        # the target in force each month, as steps: a change moves it from its month on
        steps = []
        for i, g in enumerate(goals):
            if g is not None:
                x0, x1 = max(SPARK_PAD + (i - 0.5) * step, 0), SPARK_PAD + (i + 0.5) * step
                steps.append(f"{x0:.1f},{y(g):.1f} {min(x1, SPARK_W):.1f},{y(g):.1f}")
        if steps:
            parts.append(f'<polyline points="{" ".join(steps)}" fill="none" '
                         f'stroke="{STATUS_COLORS["green"]}" stroke-width="1" '
                         'stroke-dasharray="3,3"/>')
        segment: list[str] = []
        segments = [segment]
        for i, v in enumerate(values):  # a month without a value breaks the line
            if v is None:
                segment = []
                segments.append(segment)
            else:
                segment.append(f"{SPARK_PAD + i * step:.1f},{y(v):.1f}")
        for seg in segments:
            if len(seg) > 1:
                parts.append(f'<polyline points="{" ".join(seg)}" fill="none" '
                             'stroke="#607d8b" stroke-width="1.5"/>')
        for i, (v, status) in enumerate(zip(values, statuses, strict=True)):
            if v is not None:
                parts.append(f'<circle cx="{SPARK_PAD + i * step:.1f}" cy="{y(v):.1f}" r="3" '
                             f'fill="{status_color(status)}"/>')
    parts.append("</svg>")
    return "".join(parts)


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
    try:
        detail = detail_page()
    except StreamlitAPIException:  # the user's navigation has no detail page
        detail = None
    for row in current.itertuples():
        history = kpis[kpis["kpi_code"] == row.kpi_code]
        # one line and one picture per KPI: few elements for the browser to lay out. The
        # line opens that KPI's detail (the red one the director is looking at, not the
        # stage's first KPI).
        line = (f"{colored('●', row.status)} {md_escape(kpi_name(row))} · "
                f"**{colored(md_escape(fmt_value(row.value, row.unit)), row.status)}**")
        if detail is None:
            st.markdown(line, help=target_text(row) or None)
        else:
            st.page_link(detail, label=line, help=target_text(row) or None,
                         query_params={"stage": stage.stage_code, "kpi": row.kpi_code,
                                       "month": chosen})
        st.image(sparkline_svg(history), width=SPARK_W)
    if detail is not None:
        st.page_link(detail, label=t("kpi_see_detail"), icon=":material/query_stats:",
                     query_params={"stage": stage.stage_code, "month": chosen})
