"""Lead to cash: from opportunity to collected cash (docs/stages-and-kpis.md, "The lead-to-cash view
follows cohorts from opportunity to collected cash").

Two readings of one period (`?from=2025-11&to=2026-10`, shareable):
- the flow: opportunities created in the period, how many (and how much, in MXN) went on
  to be qualified, won, activated, live, invoiced and collected;
- the cohorts: opportunities won in each month, and the days from winning to activation,
  go-live, first invoice and first cash (medians), with every won opportunity listed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import columns, queries
from dashboards.pages.stage_health import fmt_money, is_missing, month_label, number
from dashboards.tables import scroll_hint
from seiton.webapp.i18n import register, t

register({
    "l2c_intro": {
        "es": "Del prospecto al cobro: cuántas oportunidades (y cuánto dinero) llegan a cada "
              "paso, y cuánto tarda cada cohorte de ventas ganadas en activarse, arrancar, "
              "facturarse y cobrarse.",
        "en": "From opportunity to cash: how many opportunities (and how much money) reach each "
              "step, and how long each cohort of won deals takes to activate, go live, be "
              "invoiced and be collected.",
    },
    "l2c_period": {"es": "Periodo", "en": "Period"},
    "l2c_flow": {"es": "Flujo de las oportunidades creadas en el periodo",
                 "en": "Flow of the opportunities created in the period"},
    "l2c_counts": {"es": "Oportunidades", "en": "Opportunities"},
    "l2c_amounts": {"es": "Montos (MXN)", "en": "Amounts (MXN)"},
    "l2c_created": {"es": "Creadas", "en": "Created"},
    "l2c_qualified": {"es": "Calificadas", "en": "Qualified"},
    "l2c_won": {"es": "Ganadas", "en": "Won"},
    "l2c_activated": {"es": "Contrato activo", "en": "Contract active"},
    "l2c_live": {"es": "En operación", "en": "Live"},
    "l2c_invoiced": {"es": "Facturadas", "en": "Invoiced"},
    "l2c_collected": {"es": "Cobradas", "en": "Collected"},
    "l2c_pipeline": {"es": "Monto estimado creado", "en": "Estimated amount created"},
    "l2c_won_estimate": {"es": "Monto estimado ganado", "en": "Estimated amount won"},
    "l2c_won_price": {"es": "Precio de propuestas ganadas", "en": "Price of won proposals"},
    "l2c_invoiced_amount": {"es": "Facturado (con IVA)", "en": "Invoiced (tax incl.)"},
    "l2c_collected_amount": {"es": "Cobrado", "en": "Collected"},
    "l2c_cohorts": {"es": "Cohortes por mes ganado", "en": "Cohorts by month won"},
    "l2c_cohort": {"es": "Cohorte", "en": "Cohort"},
    "l2c_days_median": {"es": "Días desde ganada (mediana)", "en": "Days from won (median)"},
    "l2c_to_activation": {"es": "a activación", "en": "to activation"},
    "l2c_to_go_live": {"es": "a arranque", "en": "to go-live"},
    "l2c_to_invoice": {"es": "a primera factura", "en": "to first invoice"},
    "l2c_to_cash": {"es": "a primer cobro", "en": "to first cash"},
    "l2c_won_deals": {"es": "Ventas ganadas del periodo", "en": "Deals won in the period"},
    "l2c_no_deals": {"es": "No hay ventas ganadas en el periodo.",
                     "en": "No deals were won in the period."},
    "l2c_no_data": {"es": "El almacén aún no tiene oportunidades.",
                    "en": "The warehouse has no opportunities yet."},
})

STEPS = ("activation", "go_live", "first_invoice", "first_cash")
STEP_LABELS = {"activation": "l2c_to_activation", "go_live": "l2c_to_go_live",
               "first_invoice": "l2c_to_invoice", "first_cash": "l2c_to_cash"}
STEP_COLORS = {"activation": "#1565c0", "go_live": "#6a1b9a", "first_invoice": "#ef8f00",
               "first_cash": "#2e7d32"}
FURTHEST = {"won": "l2c_won", "activated": "l2c_activated", "live": "l2c_live",
            "invoiced": "l2c_invoiced", "collected": "l2c_collected"}

BOUNDS_SQL = """
select min(created_month) as first_month, max(created_month) as last_month,
       max(coalesce(closed_month, created_month)) as last_activity
from marts.fct_opportunities
"""

FLOW_SQL = """
select
    count(*) as created,
    count(*) filter (where o.is_qualified) as qualified,
    count(*) filter (where o.is_won) as won,
    count(l.activated_on) as activated,
    count(l.accepted_on) as live,
    count(l.first_invoice_on) as invoiced,
    count(l.first_cash_on) as collected,
    coalesce(sum(o.estimated_amount_mxn), 0) as pipeline_mxn,
    coalesce(sum(o.estimated_amount_mxn) filter (where o.is_won), 0) as won_estimate_mxn,
    coalesce(sum(l.proposal_price_mxn), 0) as won_price_mxn,
    coalesce(sum(l.invoiced_total_mxn), 0) as invoiced_mxn,
    coalesce(sum(l.collected_mxn), 0) as collected_mxn
from marts.fct_opportunities as o
left join marts.fct_lead_to_cash as l
    on o.opportunity_code = l.opportunity_code
where o.created_month between cast(? as date) and cast(? as date)
"""

DEALS_SQL = """
select opportunity_code, account_code, contract_number, cohort_month, won_on, activated_on,
       accepted_on, first_invoice_on, first_cash_on, days_to_activation, days_to_go_live,
       days_to_first_invoice, days_to_first_cash, furthest_step, proposal_price_mxn,
       invoiced_total_mxn, collected_mxn
from marts.fct_lead_to_cash
where cohort_month between cast(? as date) and cast(? as date)
order by won_on, opportunity_code
"""


def _month_keys(first: date, last: date) -> list[str]:
    return [d.strftime("%Y-%m") for d in pd.date_range(first, last, freq="MS")]


def choose_period(first: date, last: date) -> tuple[str, str]:
    """A range of months bound to ?from=YYYY-MM&to=YYYY-MM (default: the last 12 months)."""
    keys = _month_keys(first, last)
    default_from = keys[max(0, len(keys) - 12)]
    start = st.query_params.get("from")
    end = st.query_params.get("to")
    start = start if start in keys else default_from
    end = end if end in keys and end >= start else keys[-1]
    chosen = st.select_slider(t("l2c_period"), options=keys, value=(start, end),
                              format_func=lambda k: month_label(f"{k}-01", short=True),
                              key="period")
    st.query_params["from"], st.query_params["to"] = chosen
    return chosen


def funnel(labels: list[str], values: list[float], money: bool) -> go.Figure:
    text = [fmt_money(v) if money else number(v, 0) for v in values]
    fig = go.Figure(go.Funnel(
        y=labels, x=values, text=text, textinfo="text+percent initial",
        customdata=text, hovertemplate="%{y}: %{customdata} (%{percentInitial:.0%})<extra></extra>",
        marker={"color": "#1565c0" if not money else "#2e7d32"},
    ))
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def cohort_chart(cohorts: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    labels = [month_label(m, short=True) for m in cohorts["cohort_month"]]
    for step in STEPS:
        column = f"days_to_{step}"
        fig.add_trace(go.Bar(
            x=labels, y=cohorts[column], name=t(STEP_LABELS[step]),
            marker={"color": STEP_COLORS[step]},
            customdata=[("—" if is_missing(v) else number(v, 1)) for v in cohorts[column]],
            hovertemplate="%{x} · " + t(STEP_LABELS[step]) + ": %{customdata}<extra></extra>",
        ))
    fig.update_layout(barmode="group", height=340, yaxis_title=t("l2c_days_median"),
                      margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def render() -> None:
    st.title(t("page_lead_to_cash"))
    st.caption(t("l2c_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    bounds = queries.df(BOUNDS_SQL)
    if bounds.empty or is_missing(bounds["first_month"].iloc[0]):
        st.info(t("l2c_no_data"))
        return
    first = pd.Timestamp(bounds["first_month"].iloc[0]).date()
    last = pd.Timestamp(bounds["last_activity"].iloc[0]).date()
    start, end = choose_period(first, last)
    start_day, end_day = date.fromisoformat(f"{start}-01"), date.fromisoformat(f"{end}-01")

    st.subheader(t("l2c_flow"))
    flow = next(queries.df(FLOW_SQL, (start_day, end_day)).itertuples())
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('l2c_counts')}**")
        steps = ("created", "qualified", "won", "activated", "live", "invoiced", "collected")
        st.plotly_chart(funnel([t(f"l2c_{s}") for s in steps],
                               [int(getattr(flow, s)) for s in steps], money=False),
                        config={"displayModeBar": False}, key="flow-counts")
    with right:
        st.markdown(f"**{t('l2c_amounts')}**")
        amounts = ("pipeline", "won_estimate", "won_price", "invoiced_amount", "collected_amount")
        sums = ("pipeline_mxn", "won_estimate_mxn", "won_price_mxn", "invoiced_mxn",
                "collected_mxn")
        st.plotly_chart(funnel([t(f"l2c_{a}") for a in amounts],
                               [float(getattr(flow, c)) for c in sums], money=True),
                        config={"displayModeBar": False}, key="flow-amounts")

    st.subheader(t("l2c_cohorts"))
    deals = queries.df(DEALS_SQL, (start_day, end_day))
    if deals.empty:
        st.info(t("l2c_no_deals"))
        return
    cohorts = (deals.groupby("cohort_month", as_index=False)
               .agg(won=("opportunity_code", "count"),
                    **{f"days_to_{s}": (f"days_to_{s}", "median") for s in STEPS},
                    invoiced_mxn=("invoiced_total_mxn", "sum"),
                    collected_mxn=("collected_mxn", "sum")))
    st.plotly_chart(cohort_chart(cohorts), config={"displayModeBar": False}, key="cohorts")
    cohorts["cohort"] = [month_label(m, short=True) for m in cohorts["cohort_month"]]
    # the cohorts' counts, medians and sums are the page's own columns, labelled here
    cohort_table = columns.as_money(
        cohorts[["cohort", "won", *[f"days_to_{s}" for s in STEPS], "invoiced_mxn",
                 "collected_mxn"]].copy(), "invoiced_mxn", "collected_mxn")
    cohort_table.attrs["units"] = {f"days_to_{s}": "days" for s in STEPS}
    st.dataframe(
        cohort_table, hide_index=True,
        column_config=columns.column_config(cohort_table, page={
            "cohort": t("l2c_cohort"), "won": t("l2c_won"),
            **{f"days_to_{s}": t(STEP_LABELS[s]) for s in STEPS},
            "invoiced_mxn": t("l2c_invoiced_amount"),
            "collected_mxn": t("l2c_collected_amount")}),
    )

    st.subheader(t("l2c_won_deals"))
    deals["furthest_step"] = [t(FURTHEST.get(s, "l2c_won")) for s in deals["furthest_step"]]
    shown = deals[["opportunity_code", "account_code", "contract_number", "won_on",
                   "days_to_activation", "days_to_go_live", "days_to_first_invoice",
                   "days_to_first_cash", "furthest_step", "proposal_price_mxn",
                   "invoiced_total_mxn", "collected_mxn"]]
    # the mart's column names stay (labels and formats in the config: dashboards/columns.py)
    st.dataframe(shown, hide_index=True,
                 column_config=columns.column_config(shown, "fct_lead_to_cash"))
    scroll_hint(shown)
