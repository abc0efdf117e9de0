"""Reconciliation (conciliación): every computed charge against what was invoiced for it, per
contract and period (marts.fct_invoice_reconciliation; docs/billing.md,
Reconciliation), filtered by status and period, with counts and sums per status, and a
drill-down to the invoices and credit notes (marts.fct_ar_documents, fct_ar_movements) and to
the charge's calculation (inline, and a link to the charges page on the same contract and
period). Filters and the row picked live in the URL (st.query_params).

Amounts are in the contract's currency, so sums are per status and currency, never across
currencies; money stays DECIMAL (summed in SQL), and tables and exports find it by that type
(dashboards/columns.py), with the marts' column labels.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import columns, data_issues, exports, queries
from dashboards.pages import billing_charges as charges_page
from dashboards.tables import scroll_hint
from dashboards.url_state import ALL, UrlState, page_state
from seiton.webapp.formats import fmt_int, fmt_money
from seiton.webapp.i18n import lang, register, t

register({
    "page_reconciliation": {"es": "Conciliación", "en": "Reconciliation"},
    "rec_intro": {
        "es": "Cargo calculado contra lo facturado (menos notas de crédito) por contrato y periodo.",
        "en": "Computed charge against what was invoiced (less credit notes) per contract and period.",
    },
    "rec_status": {"es": "Estado", "en": "Status"},
    "rec_period": {"es": "Periodo", "en": "Period"},
    "rec_all_periods": {"es": "Todos los periodos", "en": "All periods"},
    "rec_share_link": {"es": "Los filtros están en la URL: cópiala para compartir esta vista.",
                       "en": "The filters are in the URL: copy it to share this view."},
    "rec_counts": {"es": "Casos por estado", "en": "Cases per status"},
    "rec_summary": {"es": "Sumas por estado y moneda", "en": "Sums per status and currency"},
    "rec_table": {"es": "Contratos y periodos", "en": "Contracts and periods"},
    "rec_nothing": {"es": "No hay casos con estos filtros.", "en": "No cases for these filters."},
    "rec_pick": {"es": "Detalle de un caso (contrato · periodo)", "en": "Detail of one case (contract · period)"},
    "rec_no_pick": {"es": "— ninguno —", "en": "— none —"},
    "rec_detail_title": {"es": "{c} · {p}", "en": "{c} · {p}"},
    "rec_invoices": {"es": "Facturas del contrato y periodo", "en": "Invoices of the contract and period"},
    "rec_credit_notes": {"es": "Notas de crédito contra esas facturas (importe total)",
                         "en": "Credit notes against those invoices (total amount)"},
    "rec_none": {"es": "Ninguna.", "en": "None."},
    "rec_no_charge": {"es": "No hay cargo calculado para este contrato y periodo (factura sin cargo).",
                      "en": "No computed charge for this contract and period (invoice without charge)."},
    "rec_open_charge": {"es": "Abrir el cálculo en Cargos", "en": "Open the calculation in Charges"},
    "rec_expected": {"es": "Esperado (subtotal del cargo)", "en": "Expected (charge subtotal)"},
    "rec_invoiced": {"es": "Facturado neto", "en": "Invoiced, net"},
    "rec_difference": {"es": "Diferencia", "en": "Difference"},
    "rec_credited": {"es": "Notas de crédito (subtotal)", "en": "Credit notes (subtotal)"},
    "rec_export": {"es": "Exportar lo que está en pantalla", "en": "Export what is on screen"},
    "rec_export_xlsx": {"es": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "rec_export_csv": {"es": "CSV (casos)", "en": "CSV (cases)"},
    # the page's own column (the marts' columns are labelled in their YAML)
    "rec_c_cases": {"es": "Casos", "en": "Cases"},
    # why the case is what it is (marts.fct_reconciliation_causes; docs/billing-run.md)
    "rec_cause": {"es": "Causa", "en": "Cause"},
    "rec_sheet_invoices": {"es": "Facturas del caso", "en": "Invoices of the case"},
    "rec_sheet_credit_notes": {"es": "Notas de crédito del caso",
                               "en": "Credit notes of the case"},
    "rec_v_yes": {"es": "Sí", "en": "Yes"},
    "rec_v_no": {"es": "No", "en": "No"},
})

STATUSES = ("under_billed", "over_billed", "not_invoiced", "invoice_without_charge", "matched")
DEFAULT_STATUSES = [s for s in STATUSES if s != "matched"]
STATUS_LABELS = {
    "es": {"matched": "Conciliado", "under_billed": "Facturado de menos",
           "over_billed": "Facturado de más", "not_invoiced": "Sin facturar",
           "invoice_without_charge": "Factura sin cargo"},
    "en": {"matched": "Matched", "under_billed": "Under-billed", "over_billed": "Over-billed",
           "not_invoiced": "Not invoiced", "invoice_without_charge": "Invoice without charge"},
}
PARAMS = {"status": "rec_w_status", "period": "rec_w_period", "case": "rec_w_case"}
CHARGES_PAGE = "cargos"  # registry key (url path) of dashboards/pages/billing_charges.py

# --------------------------------------------------------------------------- queries

PERIODS_SQL = """
select distinct period_start from marts.fct_invoice_reconciliation order by period_start desc
"""

CASES_SQL = """
select r.status, r.contract_number, r.account_code, a.account_name, r.period_start, r.currency,
       r.expected_subtotal, r.invoiced_subtotal, r.difference, r.invoice_count,
       r.invoice_numbers, r.invoice_subtotal, r.credit_note_count, r.credited_subtotal,
       r.has_estimated_reads, c.cause
from marts.fct_invoice_reconciliation r
left join marts.dim_account a on a.account_code = r.account_code
left join marts.fct_reconciliation_causes c
    on c.contract_number = r.contract_number and c.period_start = r.period_start
where list_contains(string_split(?::varchar, ','), r.status) and (?::date is null or r.period_start = ?::date)
order by r.period_start desc, abs(r.difference) desc, r.contract_number
"""

COUNTS_SQL = """
select r.status, count(*) as cases
from marts.fct_invoice_reconciliation r
where (?::date is null or r.period_start = ?::date)
group by r.status
"""

SUMMARY_SQL = """
select r.status, r.currency, count(*) as cases, sum(r.expected_subtotal) as expected_subtotal,
       sum(r.invoiced_subtotal) as invoiced_subtotal, sum(r.difference) as difference
from marts.fct_invoice_reconciliation r
where list_contains(string_split(?::varchar, ','), r.status) and (?::date is null or r.period_start = ?::date)
group by r.status, r.currency
order by r.status, r.currency
"""

CASE_SQL = """
select r.*, c.cause from marts.fct_invoice_reconciliation r
left join marts.fct_reconciliation_causes c
    on c.contract_number = r.contract_number and c.period_start = r.period_start
where r.contract_number = ? and r.period_start = ?::date
"""

INVOICES_SQL = """
select invoice_number, issued_on, due_on, currency, subtotal, tax_amount, total
from marts.fct_ar_documents
where contract_number = ? and date_trunc('month', period_start) = ?::date
order by issued_on, invoice_number
"""

CREDIT_NOTES_SQL = """
select m.credit_note_number, m.invoice_number, m.movement_on, m.settled_amount
from marts.fct_ar_movements m
join marts.fct_ar_documents d on d.invoice_number = m.invoice_number
where m.movement_type = 'credit_note'
    and d.contract_number = ? and date_trunc('month', d.period_start) = ?::date
order by m.movement_on, m.credit_note_number
"""


# --------------------------------------------------------------------------- helpers


def status_label(status: str) -> str:
    return STATUS_LABELS.get(lang(), STATUS_LABELS["es"]).get(status, status)


def _case_key(contract: str, period) -> str:
    return f"{contract}|{pd.Timestamp(period).date().isoformat()}"


def _split_case(key: str) -> tuple[str, date]:
    contract, period = key.rsplit("|", 1)
    return contract, date.fromisoformat(period)


# --------------------------------------------------------------------------- page


def render() -> None:
    st.title(t("page_reconciliation"))
    st.caption(t("rec_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    data_issues.notice("fct_invoice_reconciliation", "fct_billing_charges")
    periods = [pd.Timestamp(p).date() for p in queries.df(PERIODS_SQL)["period_start"]]

    def read(url: UrlState) -> None:
        url.many("status", list(STATUSES), list(DEFAULT_STATUSES))
        url.day("period", lambda: ALL, month=True, allowed=periods)
        url.choice("case")  # checked against the data once it is read

    url = page_state(PARAMS, read)

    top = st.columns([3, 1])
    statuses: list[str] = top[0].multiselect(t("rec_status"), list(STATUSES), key=PARAMS["status"],
                                             format_func=status_label)
    period = top[1].selectbox(
        t("rec_period"), [ALL, *periods], key=PARAMS["period"],
        format_func=lambda p: charges_page.period_label(p) if p else t("rec_all_periods")) or None
    st.caption(t("rec_share_link"))
    status_csv = ",".join(statuses)
    per = (period, period)

    st.markdown(f"**{t('rec_counts')}**")
    found = queries.df(COUNTS_SQL, per)
    counts = dict(zip(found["status"], found["cases"], strict=True))
    m = st.columns(len(STATUSES))
    for holder, status in zip(m, STATUSES, strict=True):
        holder.metric(status_label(status), fmt_int(counts.get(status, 0)))

    summary = _summary_view(queries.df(SUMMARY_SQL, (status_csv, *per)))
    st.markdown(f"**{t('rec_summary')}**")
    st.dataframe(summary, hide_index=True, width="stretch",
                 column_config=columns.column_config(summary))

    cases = queries.df(CASES_SQL, (status_csv, *per))
    table = _cases_view(cases)
    st.subheader(t("rec_table"))
    if cases.empty:
        st.info(t("rec_nothing"))
    else:
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config=columns.column_config(table))
        scroll_hint(table)

    keys = [_case_key(c, p) for c, p in zip(cases["contract_number"], cases["period_start"], strict=True)]
    labels = {k: f"{k.split('|')[0]} · {charges_page.period_label(k.split('|')[1])} · "
                 f"{status_label(s)}" for k, s in zip(keys, cases["status"], strict=True)}
    if st.session_state.get(PARAMS["case"]) not in [ALL, *keys]:
        st.session_state[PARAMS["case"]] = ALL
    case = st.selectbox(t("rec_pick"), [ALL, *keys], key=PARAMS["case"],
                        format_func=lambda k: labels.get(k, k) if k else t("rec_no_pick")) or None
    detail: dict[str, pd.DataFrame] = {}
    if case:
        detail = _case_detail(*_split_case(case))

    url.write({"status": status_csv, "period": period.isoformat() if period else None,
                "case": case})
    _exports(table, summary, detail, case)


def _summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    view = summary.copy()
    view["status"] = view["status"].map(status_label)
    # the count is the page's own column
    return columns.labelled(view, "fct_invoice_reconciliation", page={"cases": t("rec_c_cases")})


def _cases_view(cases: pd.DataFrame) -> pd.DataFrame:
    view = cases.copy()
    view["status"] = view["status"].map(status_label)
    view["has_estimated_reads"] = view["has_estimated_reads"].map(
        lambda v: "" if v is None or pd.isna(v) else t("rec_v_yes") if v else t("rec_v_no"))
    return columns.labelled(view, "fct_invoice_reconciliation", "dim_account",
                            "fct_reconciliation_causes")


def _case_detail(contract: str, period: date) -> dict[str, pd.DataFrame]:
    found = queries.df(CASE_SQL, (contract, period))
    if found.empty:
        return {}
    r = found.iloc[0]
    st.subheader(t("rec_detail_title").format(c=contract, p=charges_page.period_label(period)))
    m = st.columns(5)
    m[0].metric(t("rec_status"), status_label(r.status))
    m[1].metric(f"{t('rec_expected')} ({r.currency})", fmt_money(r.expected_subtotal))
    m[2].metric(f"{t('rec_invoiced')} ({r.currency})", fmt_money(r.invoiced_subtotal))
    m[3].metric(t("rec_credited"), fmt_money(r.credited_subtotal))
    m[4].metric(t("rec_difference"), fmt_money(r.difference))
    if isinstance(r.cause, str) and r.cause:
        st.info(f"{t('rec_cause')}: {r.cause}")

    invoices = columns.labelled(queries.df(INVOICES_SQL, (contract, period)), "fct_ar_documents")
    credits = columns.labelled(queries.df(CREDIT_NOTES_SQL, (contract, period)),
                               "fct_ar_movements")
    for title, frame in ((t("rec_invoices"), invoices), (t("rec_credit_notes"), credits)):
        st.markdown(f"**{title}**")
        if frame.empty:
            st.caption(t("rec_none"))
        else:
            st.dataframe(frame, hide_index=True, width="stretch",
                         column_config=columns.column_config(frame))

    # sheet names are the tables' names (Excel cuts them at 31 characters): the case is in
    # the workbook's file name (`_exports`)
    sheets = {t("rec_sheet_invoices"): invoices, t("rec_sheet_credit_notes"): credits}
    if not r.has_charge:
        st.info(t("rec_no_charge"))
        return sheets
    st.page_link(
        st.Page(charges_page.render, title=t("page_charges"), url_path=CHARGES_PAGE),
        label=t("rec_open_charge"), icon=":material/receipt_long:",
        query_params={"period": period.isoformat(), "contract": contract, "detail": contract})
    sheets.update(charges_page.show_calculation(contract, period))
    return sheets


def _exports(table: pd.DataFrame, summary: pd.DataFrame, detail: dict[str, pd.DataFrame],
             case: str | None = None) -> None:
    st.subheader(t("rec_export"))
    sheets = {t("rec_table"): table, t("rec_summary"): summary, **detail}
    left, right = st.columns(2)
    left.download_button(
        t("rec_export_xlsx"), data=lambda: exports.to_xlsx_sheets_bytes(sheets),
        file_name=f"conciliacion_{case.replace('|', '_')}.xlsx" if case else "conciliacion.xlsx",
        key="rec_dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button(t("rec_export_csv"), data=lambda: exports.to_csv_bytes(table),
                          file_name="conciliacion.csv", mime="text/csv", key="rec_dl_csv")
