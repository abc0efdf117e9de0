"""Charges (cargos): the computed charge of every contract × billing period
(marts.fct_billing_charges), filtered by period, contract, currency and estimated reads,
with totals, and for one contract and period the calculation shown step by step
(docs/billing.md, "Charges" and "Finance pages").

Money is summed in SQL on DECIMAL; tables and exports find it by that type and take the
marts' column labels from their YAML (dashboards/columns.py). Only published marts are read: the plan's list prices and tiers are not
published, so the breakdown shows the prorated fee and allowances, the overage amounts as
computed (tiers included) and the average price per overage page.
The filters and the contract picked for the breakdown live in the URL (st.query_params).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import columns, data_issues, exports, queries
from dashboards.tables import scroll_hint
from dashboards.url_state import ALL, UrlState, page_state
from seiton.webapp.formats import fmt_date, fmt_int, fmt_money
from seiton.webapp.i18n import lang, register, t

register({
    "page_charges": {"es": "Cargos", "en": "Charges"},
    "chg_intro": {
        "es": "Cargo calculado de cada contrato y periodo: cuota fija, páginas, excedentes, "
              "ajuste a mínimo e impuesto, al centavo.",
        "en": "The computed charge of each contract and period: fixed fee, pages, overage, "
              "minimum true-up and tax, to the cent.",
    },
    "chg_period": {"es": "Periodo", "en": "Period"},
    "chg_contract": {"es": "Contrato (escribe para buscar)", "en": "Contract (type to search)"},
    "chg_all_contracts": {"es": "Todos los contratos", "en": "All contracts"},
    "chg_currency": {"es": "Moneda", "en": "Currency"},
    "chg_all": {"es": "Todas", "en": "All"},
    "chg_estimated": {"es": "Lecturas", "en": "Readings"},
    "chg_est_any": {"es": "Reales y estimadas", "en": "Actual and estimated"},
    "chg_est_yes": {"es": "Con lecturas estimadas", "en": "With estimated reads"},
    "chg_est_no": {"es": "Solo lecturas reales", "en": "Actual reads only"},
    "chg_share_link": {"es": "Los filtros están en la URL: cópiala para compartir esta vista.",
                       "en": "The filters are in the URL: copy it to share this view."},
    "chg_provisional": {
        "es": "Periodo en curso: el cargo es provisional (las estimaciones cubren el mes completo).",
        "en": "Current period: the charge is provisional (estimates cover the whole month).",
    },
    "chg_no_charges": {"es": "No hay cargos con estos filtros.", "en": "No charges for these filters."},
    "chg_count": {"es": "Cargos", "en": "Charges"},
    "chg_subtotal_mxn": {"es": "Subtotal (MXN)", "en": "Subtotal (MXN)"},
    "chg_tax_mxn": {"es": "Impuesto (MXN)", "en": "Tax (MXN)"},
    "chg_total_mxn": {"es": "Total (MXN)", "en": "Total (MXN)"},
    "chg_table": {"es": "Cargos del periodo", "en": "Charges of the period"},
    "chg_totals": {"es": "Totales por moneda", "en": "Totals per currency"},
    "chg_detail": {"es": "Ver el cálculo de un contrato", "en": "See one contract's calculation"},
    "chg_no_detail": {"es": "— ninguno —", "en": "— none —"},
    "chg_calc_title": {"es": "Cálculo: {c} · {p}", "en": "Calculation: {c} · {p}"},
    "chg_plan_from": {"es": "Plan vigente desde", "en": "Plan in force from"},
    "chg_fraction": {"es": "Fracción activa", "en": "Active fraction"},
    "chg_devices": {"es": "Dispositivos", "en": "Devices"},
    "chg_sheet_devices": {"es": "Dispositivos del cargo", "en": "Devices of the charge"},
    "chg_reads": {"es": "Lecturas", "en": "Readings"},
    "chg_reads_est": {"es": "Con estimaciones", "en": "Estimated"},
    "chg_reads_act": {"es": "Reales", "en": "Actual"},
    "chg_plan_terms": {"es": "Plan vigente el primer día del periodo", "en": "Plan in force on the period's first day"},
    "chg_c_term": {"es": "Condición del plan", "en": "Plan term"},
    "chg_c_value": {"es": "Valor", "en": "Value"},
    "chg_p_fee": {"es": "Cuota fija mensual", "en": "Fixed monthly fee"},
    "chg_p_incl_mono": {"es": "Páginas mono incluidas", "en": "Included mono pages"},
    "chg_p_incl_color": {"es": "Páginas color incluidas", "en": "Included color pages"},
    "chg_p_mono_rate": {"es": "Tarifa excedente mono", "en": "Mono overage rate"},
    "chg_p_color_rate": {"es": "Tarifa excedente color", "en": "Color overage rate"},
    "chg_p_minimum": {"es": "Cargo mínimo mensual", "en": "Minimum monthly charge"},
    "chg_p_mono_tiers": {"es": "Escalones mono (desde página @ tarifa)", "en": "Mono tiers (from page @ rate)"},
    "chg_p_color_tiers": {"es": "Escalones color (desde página @ tarifa)", "en": "Color tiers (from page @ rate)"},
    "chg_steps": {"es": "Cálculo del cargo", "en": "Charge calculation"},
    "chg_device_table": {"es": "Dispositivos: contadores y páginas del periodo",
                         "en": "Devices: counters and pages of the period"},
    "chg_no_devices": {"es": "Sin dispositivos activos en el periodo.", "en": "No active devices in the period."},
    "chg_export": {"es": "Exportar lo que está en pantalla", "en": "Export what is on screen"},
    "chg_export_xlsx": {"es": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "chg_export_csv": {"es": "CSV (cargos)", "en": "CSV (charges)"},
    # calculation lines
    "chg_l_days": {"es": "Días activos", "en": "Active days"},
    "chg_l_fee": {"es": "Cuota fija prorrateada", "en": "Prorated fixed fee"},
    "chg_l_mono_used": {"es": "Páginas mono usadas (suma de dispositivos)", "en": "Mono pages used (all devices)"},
    "chg_l_mono_metered": {"es": "Páginas mono contadas (suma de dispositivos)", "en": "Mono pages counted (all devices)"},
    "chg_l_mono_test": {"es": "Páginas mono de prueba acreditadas", "en": "Mono test pages credited"},
    "chg_l_color_metered": {"es": "Páginas color contadas (suma de dispositivos)", "en": "Color pages counted (all devices)"},
    "chg_l_color_test": {"es": "Páginas color de prueba acreditadas", "en": "Color test pages credited"},
    "chg_f_test": {"es": "páginas de prueba de las visitas técnicas del periodo (nunca más que lo usado)",
                   "en": "test pages of the period's technician visits (never more than used)"},
    "chg_f_billable": {"es": "contadas − prueba: lo que se factura", "en": "counted − test: what is billed"},
    "chg_l_mono_incl": {"es": "Páginas mono incluidas (prorrateadas, compartidas)",
                        "en": "Mono pages included (prorated, pooled)"},
    "chg_l_mono_over": {"es": "Excedente mono", "en": "Mono overage"},
    "chg_l_color_used": {"es": "Páginas color usadas (suma de dispositivos)", "en": "Color pages used (all devices)"},
    "chg_l_color_incl": {"es": "Páginas color incluidas (prorrateadas, compartidas)",
                         "en": "Color pages included (prorated, pooled)"},
    "chg_l_color_over": {"es": "Excedente color", "en": "Color overage"},
    "chg_l_true_up": {"es": "Ajuste a cargo mínimo", "en": "Minimum true-up"},
    "chg_l_subtotal": {"es": "Subtotal", "en": "Subtotal"},
    "chg_l_tax": {"es": "Impuesto", "en": "Tax"},
    "chg_l_total": {"es": "Total", "en": "Total"},
    "chg_f_days": {"es": "{a} de {d} días → f = {f}", "en": "{a} of {d} days → f = {f}"},
    "chg_f_fee": {"es": "redondeo(cuota × {a}/{d}, 2)", "en": "round(fee × {a}/{d}, 2)"},
    "chg_f_incl": {"es": "redondeo(incluidas × {a}/{d})", "en": "round(allowance × {a}/{d})"},
    "chg_f_over": {"es": "máx(0, {u} − {i}) páginas · {r} por página en promedio",
                   "en": "max(0, {u} − {i}) pages · {r} per page on average"},
    "chg_f_over_none": {"es": "máx(0, {u} − {i}) = 0", "en": "max(0, {u} − {i}) = 0"},
    "chg_f_true_up": {"es": "máx(0, mínimo prorrateado − (cuota + excedentes))",
                      "en": "max(0, prorated minimum − (fee + overage))"},
    "chg_f_subtotal": {"es": "cuota + excedente mono + excedente color + ajuste",
                       "en": "fee + mono overage + color overage + true-up"},
    "chg_f_tax": {"es": "redondeo(subtotal × {r} %, 2)", "en": "round(subtotal × {r} %, 2)"},
    "chg_f_total": {"es": "subtotal + impuesto", "en": "subtotal + tax"},
    # labels of the tables the page computes (the marts' columns are labelled in their YAML)
    "chg_c_concept": {"es": "Concepto", "en": "Item"},
    "chg_c_formula": {"es": "Cálculo", "en": "How"},
    "chg_c_pages": {"es": "Páginas", "en": "Pages"},
    "chg_c_amount": {"es": "Importe", "en": "Amount"},
    "chg_c_count": {"es": "Cargos", "en": "Charges"},
    "chg_v_estimated": {"es": "Estimada", "en": "Estimated"},
    "chg_v_actual": {"es": "Real", "en": "Actual"},
    "chg_v_yes": {"es": "Sí", "en": "Yes"},
    "chg_v_no": {"es": "No", "en": "No"},
})

CURRENCIES = ("MXN", "USD")
ESTIMATED = ("yes", "no")
PARAMS = {"period": "chg_w_period", "contract": "chg_w_contract", "currency": "chg_w_currency",
          "estimated": "chg_w_estimated", "detail": "chg_w_detail"}
MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

# --------------------------------------------------------------------------- queries
# (?::varchar is null or x = ?) lets one cached statement serve "all" and one value.

PERIODS_SQL = """
select period_start, bool_and(is_period_closed) as is_closed
from marts.fct_billing_charges
group by period_start
order by period_start desc
"""

CONTRACTS_SQL = """
select c.contract_number, any_value(a.account_name) as account_name
from marts.fct_billing_charges c
left join marts.dim_account a on a.account_code = c.account_code
where c.period_start = ?::date
group by c.contract_number
order by c.contract_number
"""

_FILTER = """
where c.period_start = ?::date
    and (?::varchar is null or c.contract_number = ?::varchar)
    and (?::varchar is null or c.currency = ?::varchar)
    and (?::boolean is null or c.has_estimated_reads = ?::boolean)
"""

CHARGES_SQL = """
select c.contract_number, c.account_code, a.account_name, c.period_start, c.active_days,
       c.active_fraction, c.device_count, c.fixed_fee_amount, c.mono_pages,
       c.included_mono_pages, c.overage_mono_pages, c.overage_mono_amount, c.color_pages,
       c.included_color_pages, c.overage_color_pages, c.overage_color_amount,
       c.minimum_true_up_amount, c.subtotal, c.tax_rate, c.tax_amount, c.total, c.currency,
       c.has_estimated_reads, c.total_mxn
from marts.fct_billing_charges c
left join marts.dim_account a on a.account_code = c.account_code
""" + _FILTER + """
order by c.contract_number
"""

# sums keep their column's name, so they keep its label (dashboards/columns.py)
TOTALS_SQL = """
select c.currency, count(*) as charges, sum(c.fixed_fee_amount) as fixed_fee_amount,
       sum(c.overage_mono_amount) as overage_mono_amount,
       sum(c.overage_color_amount) as overage_color_amount,
       sum(c.minimum_true_up_amount) as minimum_true_up_amount, sum(c.subtotal) as subtotal,
       sum(c.tax_amount) as tax_amount, sum(c.total) as total, sum(c.total_mxn) as total_mxn
from marts.fct_billing_charges c
""" + _FILTER + """
group by c.currency
order by c.currency
"""

TOTALS_MXN_SQL = """
select count(*) as charges, coalesce(sum(c.subtotal_mxn), 0) as subtotal_mxn,
       coalesce(sum(c.tax_amount_mxn), 0) as tax_mxn, coalesce(sum(c.total_mxn), 0) as total_mxn
from marts.fct_billing_charges c
""" + _FILTER

CHARGE_SQL = """
select *
from marts.fct_billing_charges
where contract_number = ? and period_start = ?::date
"""

DEVICES_SQL = """
select serial, active_days, is_estimated, readings_used, closing_read_on,
       opening_mono_counter, closing_mono_counter, mono_pages,
       opening_color_counter, closing_color_counter, color_pages,
       actual_closing_mono_counter, actual_closing_color_counter, meter_replacements,
       test_mono_pages, test_color_pages, billable_mono_pages, billable_color_pages,
       unabsorbed_mono_pages
from marts.fct_device_usage
where contract_number = ? and period_start = ?::date
order by serial
"""


# --------------------------------------------------------------------------- formatting


def period_label(value) -> str:
    if value in (None, ALL):
        return "—"
    day = pd.Timestamp(value).date()
    return f"{MONTHS.get(lang(), MONTHS['es'])[day.month - 1]} {day.year}"


def _as_date(value) -> date:
    return pd.Timestamp(value).date()


# --------------------------------------------------------------------------- URL state


def _default_period() -> date:
    """The latest closed period (the as-of month is provisional), else the latest one."""
    periods = queries.df(PERIODS_SQL)
    closed = periods[periods["is_closed"]]
    return _as_date((closed if not closed.empty else periods)["period_start"].iloc[0])


# --------------------------------------------------------------------------- page


def render() -> None:
    st.title(t("page_charges"))
    st.caption(t("chg_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    data_issues.notice("fct_billing_charges")
    periods_df = queries.df(PERIODS_SQL)
    if periods_df.empty:
        st.info(t("chg_no_charges"))
        return
    periods = [_as_date(p) for p in periods_df["period_start"]]
    closed = dict(zip(periods, periods_df["is_closed"], strict=True))

    def read(url: UrlState) -> None:
        url.day("period", _default_period, month=True, allowed=periods)
        url.choice("currency", CURRENCIES)
        url.choice("estimated", ESTIMATED)
        url.choice("contract")  # contract and detail: checked against the data once it is read
        url.choice("detail")

    url = page_state(PARAMS, read)
    if st.session_state[PARAMS["period"]] not in periods:
        st.session_state[PARAMS["period"]] = _default_period()

    top = st.columns([1, 2, 1, 1])
    period: date = top[0].selectbox(t("chg_period"), periods, key=PARAMS["period"],
                                    format_func=period_label)
    contracts = queries.df(CONTRACTS_SQL, (period,))
    names = dict(zip(contracts["contract_number"], contracts["account_name"].fillna(""), strict=True))
    options = [ALL, *contracts["contract_number"]]
    url.keep_valid("contract", options)
    contract = top[1].selectbox(
        t("chg_contract"), options, key=PARAMS["contract"],
        format_func=lambda c: f"{c} · {names.get(c, '')}" if c else t("chg_all_contracts")) or None
    currency = top[2].selectbox(
        t("chg_currency"), [ALL, *CURRENCIES], key=PARAMS["currency"],
        format_func=lambda c: c or t("chg_all")) or None
    estimated_choice = top[3].selectbox(
        t("chg_estimated"), [ALL, *ESTIMATED], key=PARAMS["estimated"],
        format_func=lambda e: {"yes": t("chg_est_yes"), "no": t("chg_est_no")}.get(e, t("chg_est_any")))
    estimated = {"yes": True, "no": False}.get(estimated_choice)
    st.caption(t("chg_share_link"))
    if not closed.get(period, True):
        st.info(t("chg_provisional"))

    params = (period, contract, contract, currency, currency, estimated, estimated)
    totals = queries.df(TOTALS_MXN_SQL, params).iloc[0]
    m = st.columns(4)
    m[0].metric(t("chg_count"), fmt_int(totals.charges))
    m[1].metric(t("chg_subtotal_mxn"), fmt_money(totals.subtotal_mxn))
    m[2].metric(t("chg_tax_mxn"), fmt_money(totals.tax_mxn))
    m[3].metric(t("chg_total_mxn"), fmt_money(totals.total_mxn))

    charges = queries.df(CHARGES_SQL, params)
    table = _charges_view(charges)
    st.subheader(t("chg_table"))
    if charges.empty:
        st.info(t("chg_no_charges"))
    else:
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config=columns.column_config(table))
        scroll_hint(table)

    st.markdown(f"**{t('chg_totals')}**")
    per_currency = _totals_view(queries.df(TOTALS_SQL, params))
    st.dataframe(per_currency, hide_index=True, width="stretch",
                 column_config=columns.column_config(per_currency))

    detail_options = [ALL, *charges["contract_number"]]
    if contract and contract != st.session_state.get("chg_last_contract"):
        st.session_state[PARAMS["detail"]] = contract  # one contract filtered: show its calculation
    st.session_state["chg_last_contract"] = contract
    url.keep_valid("detail", detail_options)
    detail = st.selectbox(
        t("chg_detail"), detail_options, key=PARAMS["detail"],
        format_func=lambda c: f"{c} · {names.get(c, '')}" if c else t("chg_no_detail")) or None
    sheets: dict[str, pd.DataFrame] = {}
    if detail:
        sheets = show_calculation(detail, period)

    url.write({"period": period.isoformat(), "contract": contract, "currency": currency,
                "estimated": estimated_choice, "detail": detail})
    _exports(period, table, per_currency, sheets, detail)


def _charges_view(charges: pd.DataFrame) -> pd.DataFrame:
    view = charges.copy()
    view["has_estimated_reads"] = view["has_estimated_reads"].map(
        lambda v: t("chg_v_yes") if v else t("chg_v_no"))
    return columns.labelled(view, "fct_billing_charges", "dim_account")


def _totals_view(totals: pd.DataFrame) -> pd.DataFrame:
    # the count is the page's own column
    return columns.labelled(totals, "fct_billing_charges", page={"charges": t("chg_c_count")})


# --------------------------------------------------------------------------- the calculation


def _avg_rate(amount, pages) -> str:
    if not pages:
        return "—"
    return f"{(Decimal(amount) / Decimal(int(pages))).quantize(Decimal('0.000001'))}"


def _used_lines(meter: str, billable, test) -> list[tuple]:
    """Pages used; with test copies credited (docs/meter-readings.md), what the devices used,
    the credit and what is billed."""
    if test is None or pd.isna(test) or not int(test):
        return [(t(f"chg_l_{meter}_used"), "", billable, None)]
    return [(t(f"chg_l_{meter}_metered"), "", int(billable) + int(test), None),
            (t(f"chg_l_{meter}_test"), t("chg_f_test"), -int(test), None),
            (t(f"chg_l_{meter}_used"), t("chg_f_billable"), billable, None)]


def calculation_lines(c: pd.Series) -> pd.DataFrame:
    """The charge as lines: item, how it is computed, pages, amount (DECIMAL, exact)."""
    a, d = int(c.active_days), int(c.days_in_month)
    fraction = "1" if a == d else f"{a}/{d} ≈ {c.active_fraction}"

    def over(used, included, pages, amount) -> str:
        if not pages:
            return t("chg_f_over_none").format(u=fmt_int(used), i=fmt_int(included))
        return t("chg_f_over").format(u=fmt_int(used), i=fmt_int(included), r=_avg_rate(amount, pages))

    tax_pct = (Decimal(c.tax_rate) * 100).normalize() if c.tax_rate is not None else "—"
    rows = [
        (t("chg_l_days"), t("chg_f_days").format(a=a, d=d, f=fraction), None, None),
        (t("chg_l_fee"), t("chg_f_fee").format(a=a, d=d), None, c.fixed_fee_amount),
        *_used_lines("mono", c.mono_pages, c.get("test_mono_pages")),
        (t("chg_l_mono_incl"), t("chg_f_incl").format(a=a, d=d), c.included_mono_pages, None),
        (t("chg_l_mono_over"), over(c.mono_pages, c.included_mono_pages, c.overage_mono_pages,
                                    c.overage_mono_amount), c.overage_mono_pages, c.overage_mono_amount),
        *_used_lines("color", c.color_pages, c.get("test_color_pages")),
        (t("chg_l_color_incl"), t("chg_f_incl").format(a=a, d=d), c.included_color_pages, None),
        (t("chg_l_color_over"), over(c.color_pages, c.included_color_pages, c.overage_color_pages,
                                     c.overage_color_amount), c.overage_color_pages, c.overage_color_amount),
        (t("chg_l_true_up"), t("chg_f_true_up"), None, c.minimum_true_up_amount),
        (t("chg_l_subtotal"), t("chg_f_subtotal"), None, c.subtotal),
        (t("chg_l_tax"), t("chg_f_tax").format(r=tax_pct), None, c.tax_amount),
        (t("chg_l_total"), t("chg_f_total"), None, c.total),
    ]
    frame = pd.DataFrame(rows, columns=[t("chg_c_concept"), t("chg_c_formula"),
                                        t("chg_c_pages"), t("chg_c_amount")])
    frame[t("chg_c_pages")] = frame[t("chg_c_pages")].astype("Int64")
    return columns.as_money(frame, t("chg_c_amount"))  # the amounts are the charge's money


PLAN_SQL = """
select fixed_monthly_fee, included_mono_pages, included_color_pages, mono_rate, color_rate,
       minimum_monthly_charge, mono_tiers, color_tiers, effective_from
from marts.dim_price_plan
where contract_number = ?
  -- the plan in force on the period's first day: dim_price_plan carries the rule's own
  -- columns (macros/price_plans.sql), so the first version also covers earlier days
  and coalesce(in_force_from <= ?, true) and coalesce(in_force_through >= ?, true)
"""


def _plan_view(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan in force on the period's first day, as labelled text (rates keep 6 decimals)."""
    p = plan.iloc[0]
    rows = [
        (t("chg_p_fee"), fmt_money(p.fixed_monthly_fee)),
        (t("chg_p_incl_mono"), fmt_int(p.included_mono_pages)),
        (t("chg_p_incl_color"), fmt_int(p.included_color_pages)),
        (t("chg_p_mono_rate"), str(p.mono_rate)),
        (t("chg_p_color_rate"), str(p.color_rate)),
        (t("chg_p_minimum"), "—" if pd.isna(p.minimum_monthly_charge) else fmt_money(p.minimum_monthly_charge)),
        (t("chg_p_mono_tiers"), p.mono_tiers if isinstance(p.mono_tiers, str) else "—"),
        (t("chg_p_color_tiers"), p.color_tiers if isinstance(p.color_tiers, str) else "—"),
    ]
    return pd.DataFrame(rows, columns=[t("chg_c_term"), t("chg_c_value")])


def _devices_view(devices: pd.DataFrame) -> pd.DataFrame:
    view = devices.copy()
    view["is_estimated"] = view["is_estimated"].map(
        lambda v: t("chg_v_estimated") if v else t("chg_v_actual"))
    return columns.labelled(view, "fct_device_usage")


def show_calculation(contract: str, period: date) -> dict[str, pd.DataFrame]:
    """Draw one charge's calculation; return its tables (for the export). Also used by the
    reconciliation page's drill-down."""
    found = queries.df(CHARGE_SQL, (contract, period))
    if found.empty:
        st.info(t("chg_no_charges"))
        return {}
    c = found.iloc[0]
    st.subheader(t("chg_calc_title").format(c=contract, p=period_label(period)))
    if not c.is_period_closed:
        st.info(t("chg_provisional"))
    m = st.columns(5)
    m[0].metric(t("chg_plan_from"), fmt_date(c.plan_effective_from))  # "—" when missing
    m[1].metric(t("chg_fraction"), f"{int(c.active_days)}/{int(c.days_in_month)}")
    m[2].metric(t("chg_devices"), fmt_int(c.device_count))
    m[3].metric(t("chg_reads"), t("chg_reads_est") if c.has_estimated_reads else t("chg_reads_act"))
    m[4].metric(f"{t('chg_l_total')} ({c.currency})", fmt_money(c.total))
    plan = queries.df(PLAN_SQL, (contract, period, period))
    if not plan.empty:
        st.markdown(f"**{t('chg_plan_terms')}** ({c.currency})")
        st.dataframe(_plan_view(plan), hide_index=True, width="stretch")

    lines = calculation_lines(c)
    st.markdown(f"**{t('chg_steps')}** ({c.currency})")
    st.dataframe(lines, hide_index=True, width="stretch",
                 column_config=columns.column_config(lines))

    devices = _devices_view(queries.df(DEVICES_SQL, (contract, period)))
    st.markdown(f"**{t('chg_device_table')}**")
    if devices.empty:
        st.caption(t("chg_no_devices"))
    else:
        st.dataframe(devices, hide_index=True, width="stretch",
                     column_config=columns.column_config(devices))
    # sheet names are the tables' names (Excel cuts them at 31 characters): the contract is
    # in the workbook's file name (`_exports`)
    return {t("chg_steps"): lines, t("chg_sheet_devices"): devices}


def _exports(period: date, table: pd.DataFrame, per_currency: pd.DataFrame,
             detail: dict[str, pd.DataFrame], contract: str | None = None) -> None:
    st.subheader(t("chg_export"))
    sheets = {t("chg_table"): table, t("chg_totals"): per_currency, **detail}
    stem = f"cargos_{period:%Y-%m}"
    book = f"{stem}_{contract}" if contract else stem
    left, right = st.columns(2)
    left.download_button(
        t("chg_export_xlsx"), data=lambda: exports.to_xlsx_sheets_bytes(sheets),
        file_name=f"{book}.xlsx", key="chg_dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button(t("chg_export_csv"), data=lambda: exports.to_csv_bytes(table),
                          file_name=f"{stem}.csv", mime="text/csv", key="chg_dl_csv")
