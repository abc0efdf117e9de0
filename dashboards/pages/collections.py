"""Collections (cobranza): accounts-receivable aging as of any date, drill-down, customer
credit, DSO and CEI trends, Excel/CSV export (docs/collections.md).

Everything on screen is as of one date D, chosen in the page (default: today in
America/Mexico_City — the page may read the clock, the models never do) and kept with the
filters in the URL, so a view can be shared. The aging comes from the table macro
marts.ar_aging(D), customer credit from marts.unapplied_payments(D); totals are summed in
SQL on DECIMAL money and only converted to float for drawing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import columns, data_issues, exports, queries
from dashboards.url_state import ALL, UrlState, page_state
from seiton.config import BUSINESS_TZ
from seiton.webapp.formats import fmt_date, fmt_money, fmt_pct, table_date_format
from seiton.webapp.i18n import lang, register, t

register({
    "page_collections": {"es": "Cartera y cobranza", "en": "Receivables and collections"},
    "coll_intro": {
        "es": "Antigüedad de saldos de clientes a la fecha de corte, saldos a favor, DSO y CEI.",
        "en": "Accounts-receivable aging as of the cut-off date, customer credit, DSO and CEI.",
    },
    "coll_as_of": {"es": "Fecha de corte", "en": "As of"},
    "coll_currency": {"es": "Moneda de la factura", "en": "Invoice currency"},
    "coll_all_currencies": {"es": "Todas", "en": "All"},
    "coll_open_ar": {"es": "Cartera abierta (MXN)", "en": "Open AR (MXN)"},
    "coll_overdue": {"es": "Vencida (MXN)", "en": "Past due (MXN)"},
    "coll_overdue_60": {"es": "Vencida > 60 días", "en": "Over 60 days past due"},
    "coll_customer_credit": {"es": "Saldos a favor (MXN)", "en": "Customer credit (MXN)"},
    "coll_buckets": {"es": "Totales por antigüedad", "en": "Totals per aging bucket"},
    "coll_bucket": {"es": "Antigüedad", "en": "Aging bucket"},
    "coll_invoices": {"es": "Facturas", "en": "Invoices"},
    "coll_open_mxn": {"es": "Saldo (MXN)", "en": "Open (MXN)"},
    "coll_share": {"es": "% del total", "en": "% of total"},
    "coll_chart_title": {"es": "Antigüedad de saldos por cliente (MXN)", "en": "Aging by account (MXN)"},
    "coll_chart_more": {
        "es": "Se muestran los {n} clientes con mayor saldo; el resto suma {rest}.",
        "en": "The {n} accounts with the largest balance are shown; the rest add up to {rest}.",
    },
    "coll_account": {"es": "Cliente", "en": "Account"},
    "coll_drill": {"es": "Detalle: antigüedad → cliente → factura", "en": "Drill-down: bucket → account → invoice"},
    "coll_all_buckets": {"es": "Todas las antigüedades", "en": "All buckets"},
    "coll_all_accounts": {"es": "Todos los clientes", "en": "All accounts"},
    "coll_pick_invoice": {"es": "Factura (para ver su detalle)", "en": "Invoice (to see its detail)"},
    "coll_no_invoice": {"es": "— ninguna —", "en": "— none —"},
    "coll_accounts_table": {"es": "Clientes", "en": "Accounts"},
    "coll_sheet_payments": {"es": "Pagos {n}", "en": "Payments {n}"},
    "coll_sheet_credit_notes": {"es": "Notas de crédito {n}", "en": "Credit notes {n}"},
    "coll_sheet_actions": {"es": "Acciones {n}", "en": "Actions {n}"},
    "coll_sheet_unapplied": {"es": "Pagos no aplicados", "en": "Unapplied payments"},
    "coll_sheet_trends": {"es": "DSO y CEI, 12 cierres", "en": "DSO and CEI, 12 month ends"},
    "coll_invoices_table": {"es": "Facturas abiertas", "en": "Open invoices"},
    "coll_nothing_open": {"es": "No hay facturas abiertas con estos filtros a la fecha de corte.",
                          "en": "No open invoices for these filters as of the date."},
    "coll_invoice_detail": {"es": "Factura {n}", "en": "Invoice {n}"},
    "coll_payments": {"es": "Pagos aplicados (por fecha de pago)", "en": "Payments applied (by payment date)"},
    "coll_credit_notes": {"es": "Notas de crédito", "en": "Credit notes"},
    "coll_actions": {"es": "Acciones de cobranza", "en": "Collection actions"},
    "coll_promise_note": {
        "es": "El estado de cada promesa de pago se evalúa a la fecha del almacén ({d}).",
        "en": "Each promise's status is evaluated at the warehouse's date ({d}).",
    },
    "coll_none": {"es": "Ninguno.", "en": "None."},
    "coll_unapplied": {"es": "Pagos no aplicados (saldo a favor del cliente)",
                       "en": "Unapplied payments (customer credit)"},
    "coll_unapplied_note": {
        "es": "Se muestran aparte: nunca se restan de los saldos por antigüedad.",
        "en": "Shown apart: never netted into the aging buckets.",
    },
    "coll_trends": {"es": "DSO y CEI, últimos 12 cierres de mes", "en": "DSO and CEI, last 12 month ends"},
    "coll_no_trend": {"es": "Aún no hay cierres de mes anteriores a la fecha de corte.",
                      "en": "No month end on or before the date yet."},
    "coll_export": {"es": "Exportar lo que está en pantalla", "en": "Export what is on screen"},
    "coll_export_xlsx": {"es": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "coll_export_csv": {"es": "CSV (facturas)", "en": "CSV (invoices)"},
    "coll_share_link": {"es": "La fecha y los filtros están en la URL: cópiala para compartir esta vista.",
                        "en": "The date and filters are in the URL: copy it to share this view."},
    # the page's own columns (the marts' columns are labelled in their YAML)
    "coll_c_max_days": {"es": "Máx. días vencida", "en": "Max days past due"},
})

BUCKETS = ("current", "1-30", "31-60", "61-90", "91-120", "120+")
BUCKET_LABELS = {
    "es": {"current": "Al corriente", "1-30": "1-30 días", "31-60": "31-60 días",
           "61-90": "61-90 días", "91-120": "91-120 días", "120+": "Más de 120 días"},
    "en": {"current": "Current", "1-30": "1-30 days", "31-60": "31-60 days",
           "61-90": "61-90 days", "91-120": "91-120 days", "120+": "Over 120 days"},
}
BUCKET_COLORS = ("#2e7d32", "#9ccc65", "#fdd835", "#fb8c00", "#e53935", "#8e0000")
MOVEMENT_LABELS = {
    "es": {"payment": "Pago", "payment_reversal": "Reversa de pago (devuelto)",
           "credit_note": "Nota de crédito"},
    "en": {"payment": "Payment", "payment_reversal": "Payment reversal (bounced)",
           "credit_note": "Credit note"},
}
ACTION_LABELS = {
    "es": {"call": "Llamada", "email": "Correo", "visit": "Visita",
           "promise_to_pay": "Promesa de pago", "escalation": "Escalamiento"},
    "en": {"call": "Call", "email": "Email", "visit": "Visit",
           "promise_to_pay": "Promise to pay", "escalation": "Escalation"},
}
PROMISE_LABELS = {
    "es": {"kept": "Cumplida", "broken": "Incumplida", "pending": "Pendiente"},
    "en": {"kept": "Kept", "broken": "Broken", "pending": "Pending"},
}
CURRENCIES = ("MXN", "USD")
CHART_ACCOUNTS = 20

# URL parameters (st.query_params) and the session keys of their widgets
PARAMS = {"as_of": "coll_w_as_of", "currency": "coll_w_currency", "bucket": "coll_w_bucket",
          "account": "coll_w_account", "invoice": "coll_w_invoice"}

# --------------------------------------------------------------------------- queries
# (?::varchar is null or x = ?) lets one cached statement serve "all" and one value.

BUCKETS_SQL = """
select bucket, min(bucket_order) as bucket_order, count(*) as invoices,
       sum(open_amount_mxn) as open_mxn
from marts.ar_aging(?::date)
where (?::varchar is null or currency = ?::varchar)
group by bucket
order by bucket_order
"""

TOTALS_SQL = """
select coalesce(sum(open_amount_mxn), 0) as open_mxn,
       coalesce(sum(open_amount_mxn) filter (where days_past_due > 0), 0) as overdue_mxn,
       coalesce(sum(open_amount_mxn) filter (where days_past_due > 60), 0) as overdue_60_mxn
from marts.ar_aging(?::date)
where (?::varchar is null or currency = ?::varchar)
"""

BY_ACCOUNT_SQL = """
select account_code, any_value(account_name) as account_name, bucket,
       min(bucket_order) as bucket_order, count(*) as invoices,
       sum(open_amount_mxn) as open_mxn, max(days_past_due) as max_days
from marts.ar_aging(?::date)
where (?::varchar is null or currency = ?::varchar)
group by account_code, bucket
order by account_code, bucket_order
"""

ACCOUNTS_SQL = """
select account_code, any_value(account_name) as account_name, count(*) as invoices,
       sum(open_amount_mxn) as open_mxn, max(days_past_due) as max_days
from marts.ar_aging(?::date)
where (?::varchar is null or currency = ?::varchar) and (?::varchar is null or bucket = ?::varchar)
group by account_code
order by open_mxn desc, account_code
"""

INVOICES_SQL = """
select invoice_number, account_code, account_name, contract_number, currency, issued_on,
       due_on, days_past_due, bucket, total, paid_amount, credited_amount, open_amount,
       open_amount_mxn, last_action_type, last_action_on
from marts.ar_aging(?::date)
where (?::varchar is null or currency = ?::varchar)
    and (?::varchar is null or bucket = ?::varchar)
    and (?::varchar is null or account_code = ?::varchar)
order by days_past_due desc, invoice_number
"""

MOVEMENTS_SQL = """
select movement_on, movement_type, document_number, payment_number, settled_amount, recorded_on
from marts.fct_ar_movements
where invoice_number = ? and movement_on <= ?::date
order by movement_on, movement_id
"""

ACTIONS_SQL = """
select action_on, action_type, promised_on, promised_amount, promise_status, notes, created_by,
       as_of_date
from marts.fct_collection_actions
where invoice_number = ? and action_on <= ?::date
order by action_on, collection_action_id
"""

UNAPPLIED_SQL = """
select payment_number, account_code, account_name, received_on, currency, amount,
       applied_amount, unapplied_amount, unapplied_amount_mxn
from marts.unapplied_payments(?::date)
where (?::varchar is null or currency = ?::varchar) and (?::varchar is null or account_code = ?::varchar)
order by received_on, payment_number
"""

UNAPPLIED_TOTAL_SQL = """
select coalesce(sum(unapplied_amount_mxn), 0) as unapplied_mxn
from marts.unapplied_payments(?::date)
where (?::varchar is null or currency = ?::varchar) and (?::varchar is null or account_code = ?::varchar)
"""

TREND_SQL = """
select month_end, open_ar_mxn, invoiced_mxn, dso_days, cei_pct, overdue_60_pct
from marts.fct_collections_monthly
where month_end <= ?::date
order by month_end desc
limit 12
"""


# --------------------------------------------------------------------------- formatting


def today_mx() -> date:
    """Today in the business calendar (America/Mexico_City)."""
    return datetime.now(ZoneInfo(BUSINESS_TZ)).date()


def bucket_label(bucket: str) -> str:
    return BUCKET_LABELS.get(lang(), BUCKET_LABELS["es"]).get(bucket, bucket)


def _label(mapping: dict[str, dict[str, str]], value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return mapping.get(lang(), mapping["es"]).get(value, value)


# the columns the page sums or computes over marts.ar_aging(D): not in a mart, so labelled here
_SUMS_KEYS = {"invoices": "coll_invoices", "open_mxn": "coll_open_mxn", "share": "coll_share",
              "max_days": "coll_c_max_days"}


def _sums() -> dict[str, str]:
    return {column: t(key) for column, key in _SUMS_KEYS.items()}


# --------------------------------------------------------------------------- URL state


def _or_none(value: str) -> str | None:
    """A filter's value for SQL and the URL: None for "all"."""
    return value or None


# --------------------------------------------------------------------------- page


def render() -> None:
    st.title(t("page_collections"))
    st.caption(t("coll_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    data_issues.notice("fct_ar_documents", "fct_ar_payments", "fct_collections_monthly")

    def read(url: UrlState) -> None:
        url.day("as_of", today_mx)
        url.choice("currency", CURRENCIES)
        url.choice("bucket", BUCKETS)
        url.choice("account")  # account and invoice: checked against the data once it is read
        url.choice("invoice")

    url = page_state(PARAMS, read)

    top = st.columns([1, 1, 2])
    as_of: date = top[0].date_input(t("coll_as_of"), key=PARAMS["as_of"], format=table_date_format())
    currency = _or_none(top[1].selectbox(
        t("coll_currency"), [ALL, *CURRENCIES], key=PARAMS["currency"],
        format_func=lambda c: c or t("coll_all_currencies")))
    top[2].caption(t("coll_share_link"))
    cur = (currency, currency)

    totals = queries.df(TOTALS_SQL, (as_of, *cur)).iloc[0]
    credit = queries.df(UNAPPLIED_TOTAL_SQL, (as_of, *cur, None, None)).iloc[0]
    m = st.columns(4)
    m[0].metric(t("coll_open_ar"), fmt_money(totals.open_mxn))
    m[1].metric(t("coll_overdue"), fmt_money(totals.overdue_mxn))
    share_60 = (totals.overdue_60_mxn / totals.open_mxn * 100) if totals.open_mxn else None
    m[2].metric(t("coll_overdue_60"), fmt_pct(share_60, 2))
    m[3].metric(t("coll_customer_credit"), fmt_money(credit.unapplied_mxn))

    buckets = _bucket_table(as_of, cur, totals.open_mxn)
    _aging_chart(as_of, cur)
    accounts, invoices, detail, drill = _drill_down(url, as_of, cur)
    unapplied = _unapplied(as_of, cur, drill["account"])
    trend = _trends(as_of)

    url.write({"as_of": as_of.isoformat(), "currency": currency, **drill})
    _exports(as_of, buckets, accounts, invoices, detail, unapplied, trend)


def _bucket_table(as_of: date, cur: tuple, open_total) -> pd.DataFrame:
    st.subheader(t("coll_buckets"))
    found = queries.df(BUCKETS_SQL, (as_of, *cur)).set_index("bucket")
    rows = []
    for b in BUCKETS:  # every bucket, also the empty ones
        invoices = int(found.at[b, "invoices"]) if b in found.index else 0
        amount = float(found.at[b, "open_mxn"]) if b in found.index else 0.0
        share = round(amount / open_total * 100, 2) if open_total else None
        rows.append({"bucket": bucket_label(b), "invoices": invoices, "open_mxn": amount,
                     "share": share})
    table = columns.keep_types(pd.DataFrame(rows), found)
    table.attrs["units"] = {"share": "%"}
    # the bucket is the mart's column; the count, the sum and the share are the page's own
    table = columns.labelled(table, "fct_ar_aging_monthly", page=_sums())
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config=columns.column_config(table))
    return table


def _aging_chart(as_of: date, cur: tuple) -> None:
    data = queries.df(BY_ACCOUNT_SQL, (as_of, *cur))
    if data.empty:
        return
    totals = data.groupby("account_code")["open_mxn"].sum().sort_values(ascending=False)
    shown = list(totals.index[:CHART_ACCOUNTS])
    data = data[data["account_code"].isin(shown)].copy()
    data["account"] = data["account_code"] + " · " + data["account_name"].fillna("")
    data["bucket_label"] = data["bucket"].map(bucket_label)
    names = dict(zip(data["account_code"], data["account"], strict=False))
    order = [names[code] for code in shown]
    labels = [bucket_label(b) for b in BUCKETS]
    fig = px.bar(
        data, x="open_mxn", y="account", color="bucket_label", orientation="h",
        category_orders={"account": order, "bucket_label": labels},
        color_discrete_map=dict(zip(labels, BUCKET_COLORS, strict=True)),
        labels={"open_mxn": t("coll_open_mxn"), "account": t("coll_account"),
                "bucket_label": t("coll_bucket")},
        title=t("coll_chart_title"),
    )
    fig.update_layout(barmode="stack", height=max(320, 28 * len(shown) + 140),
                      separators=".,", xaxis_tickformat=",.0f")
    fig.update_traces(hovertemplate="%{y}<br>%{x:,.2f} MXN")
    st.plotly_chart(fig, width="stretch")
    if len(totals) > CHART_ACCOUNTS:
        rest = float(totals.iloc[CHART_ACCOUNTS:].sum())
        st.caption(t("coll_chart_more").format(n=CHART_ACCOUNTS, rest=fmt_money(rest)))


def _show(frame: pd.DataFrame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config=columns.column_config(frame))


def _drill_down(url: UrlState, as_of: date, cur: tuple):
    st.subheader(t("coll_drill"))
    left, middle, right = st.columns(3)
    bucket = _or_none(left.selectbox(
        t("coll_bucket"), [ALL, *BUCKETS], key=PARAMS["bucket"],
        format_func=lambda b: bucket_label(b) if b else t("coll_all_buckets")))

    accounts = queries.df(ACCOUNTS_SQL, (as_of, *cur, bucket, bucket))
    names = dict(zip(accounts["account_code"], accounts["account_name"].fillna(""), strict=True))
    options = [ALL, *accounts["account_code"]]
    url.keep_valid("account", options)
    account = _or_none(middle.selectbox(
        t("coll_account"), options, key=PARAMS["account"],
        format_func=lambda a: f"{a} · {names.get(a, '')}" if a else t("coll_all_accounts")))

    invoices = queries.df(INVOICES_SQL, (as_of, *cur, bucket, bucket, account, account))
    inv_options = [ALL, *invoices["invoice_number"]]
    url.keep_valid("invoice", inv_options)
    invoice = _or_none(right.selectbox(
        t("coll_pick_invoice"), inv_options, key=PARAMS["invoice"],
        format_func=lambda i: i or t("coll_no_invoice")))

    accounts_view = columns.labelled(accounts, "fct_ar_aging_monthly", page=_sums())
    if account is None:
        st.markdown(f"**{t('coll_accounts_table')}**")
        _show(accounts_view)

    invoices_view = _invoices_view(invoices)
    st.markdown(f"**{t('coll_invoices_table')}**")
    if invoices.empty:
        st.info(t("coll_nothing_open"))
    else:
        _show(invoices_view)

    detail: dict[str, pd.DataFrame] = {}
    if invoice is not None:
        detail = _invoice_detail(as_of, invoice)
    drill = {"bucket": bucket, "account": account, "invoice": invoice}
    return accounts_view, invoices_view, detail, drill


def _invoices_view(invoices: pd.DataFrame) -> pd.DataFrame:
    view = invoices.copy()
    view["bucket"] = view["bucket"].map(bucket_label)
    view["last_action_type"] = view["last_action_type"].map(lambda v: _label(ACTION_LABELS, v))
    return columns.labelled(view, "fct_ar_aging_monthly")  # marts.ar_aging(D)'s columns


def _invoice_detail(as_of: date, invoice: str) -> dict[str, pd.DataFrame]:
    st.markdown(f"#### {t('coll_invoice_detail').format(n=invoice)}")
    moves = queries.df(MOVEMENTS_SQL, (invoice, as_of))
    payments = moves[moves["movement_type"] != "credit_note"].copy()
    payments["movement_type"] = payments["movement_type"].map(lambda v: _label(MOVEMENT_LABELS, v))
    payments = columns.labelled(payments[["movement_on", "movement_type", "document_number",
                                          "settled_amount", "recorded_on"]], "fct_ar_movements")
    credits = columns.labelled(moves[moves["movement_type"] == "credit_note"][
        ["movement_on", "document_number", "settled_amount"]], "fct_ar_movements")
    actions = queries.df(ACTIONS_SQL, (invoice, as_of))
    warehouse_date = actions["as_of_date"].iloc[0] if not actions.empty else None
    actions = actions.drop(columns=["as_of_date"])
    actions["action_type"] = actions["action_type"].map(lambda v: _label(ACTION_LABELS, v))
    actions["promise_status"] = actions["promise_status"].map(lambda v: _label(PROMISE_LABELS, v))
    actions = columns.labelled(actions, "fct_collection_actions")

    for title, frame in ((t("coll_payments"), payments), (t("coll_credit_notes"), credits),
                         (t("coll_actions"), actions)):
        st.markdown(f"**{title}**")
        if frame.empty:
            st.caption(t("coll_none"))
        else:
            _show(frame)
    if warehouse_date is not None:
        st.caption(t("coll_promise_note").format(d=fmt_date(warehouse_date)))
    return {t("coll_sheet_payments").format(n=invoice): payments,
            t("coll_sheet_credit_notes").format(n=invoice): credits,
            t("coll_sheet_actions").format(n=invoice): actions}


def _unapplied(as_of: date, cur: tuple, account: str | None) -> pd.DataFrame:
    st.subheader(t("coll_unapplied"))
    st.caption(t("coll_unapplied_note"))
    data = queries.df(UNAPPLIED_SQL, (as_of, *cur, account, account))
    view = columns.labelled(data, "fct_unapplied_payments")  # marts.unapplied_payments(D)'s
    if view.empty:
        st.caption(t("coll_none"))
    else:
        _show(view)
    return view


def _trends(as_of: date) -> pd.DataFrame:
    st.subheader(t("coll_trends"))
    data = queries.df(TREND_SQL, (as_of,)).sort_values("month_end")
    if data.empty:
        st.caption(t("coll_no_trend"))
        return data
    left, right = st.columns(2)
    for column, holder in (("dso_days", left), ("cei_pct", right)):
        label = columns.label("fct_collections_monthly", column)
        fig = px.line(data, x="month_end", y=column, markers=True,
                      labels={"month_end": columns.label("fct_collections_monthly", "month_end"),
                              column: label}, title=label)
        fig.update_layout(separators=".,", height=320)
        fig.update_xaxes(tickformat="%m/%Y")
        holder.plotly_chart(fig, width="stretch")
    view = columns.labelled(data, "fct_collections_monthly")
    _show(view)
    return view


def _exports(as_of: date, buckets: pd.DataFrame, accounts: pd.DataFrame,
             invoices: pd.DataFrame, detail: dict[str, pd.DataFrame],
             unapplied: pd.DataFrame, trend: pd.DataFrame) -> None:
    st.subheader(t("coll_export"))
    # sheet names short enough for Excel to keep whole (31 characters)
    sheets = {t("coll_buckets"): buckets, t("coll_accounts_table"): accounts,
              t("coll_invoices_table"): invoices, **detail, t("coll_sheet_unapplied"): unapplied,
              t("coll_sheet_trends"): trend}
    stem = f"cobranza_{as_of.isoformat()}"
    left, right = st.columns(2)
    left.download_button(
        t("coll_export_xlsx"), data=lambda: exports.to_xlsx_sheets_bytes(sheets),
        file_name=f"{stem}.xlsx", key="coll_dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button(t("coll_export_csv"), data=lambda: exports.to_csv_bytes(invoices),
                          file_name=f"{stem}_facturas.csv", mime="text/csv", key="coll_dl_csv")
