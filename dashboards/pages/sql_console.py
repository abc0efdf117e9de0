"""SQL console (analysts, admin): one read-only query on the published warehouse.

Queries run through seiton.warehouse.reader.run_query, the same sandbox as `seiton sql`:
one SELECT, no files, no settings, no extensions, memory and time limits, in a child
process. Results are shown up to ROW_LIMIT rows and downloadable as CSV or Excel, both safe
against formula injection (dashboards/exports.py). docs/analysts.md lists the rules.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import exports, queries
from seiton.warehouse import reader
from seiton.webapp.i18n import lang, register, t

ROW_LIMIT = 10_000
TIME_LIMIT_MS = reader.TIME_LIMIT_MS

register({
    "page_sql_console": {"es": "Consola SQL", "en": "SQL console"},
    "sqlc_intro": {
        "es": "Una consulta SELECT de solo lectura sobre el almacén publicado (esquemas marts y "
              "meta). Sin acceso a archivos ni cambios de configuración; límite de {secs:g} s "
              "y de memoria; se muestran hasta {rows:,} filas.",
        "en": "One read-only SELECT on the published warehouse (schemas marts and meta). No "
              "file access or settings; {secs:g} s and memory limits; up to {rows:,} rows "
              "shown."},
    "sqlc_examples": {"es": "Consultas de ejemplo", "en": "Example queries"},
    "sqlc_pick_example": {"es": "— elige una para cargarla —", "en": "— pick one to load it —"},
    "sqlc_query": {"es": "Consulta", "en": "Query"},
    "sqlc_run": {"es": "Ejecutar", "en": "Run"},
    "sqlc_empty": {"es": "Escribe una consulta.", "en": "Write a query."},
    "sqlc_refused": {"es": "Consulta rechazada", "en": "Query refused"},
    "sqlc_failed": {"es": "La consulta falló", "en": "The query failed"},
    "sqlc_timeout": {"es": "La consulta excedió el tiempo límite y se detuvo.",
                     "en": "The query ran past the time limit and was stopped."},
    "sqlc_rows": {"es": "{n:,} filas", "en": "{n:,} rows"},
    "sqlc_truncated": {
        "es": "Se muestran las primeras {n:,} filas; agrega un filtro, una agregación o un "
              "LIMIT para ver el resto.",
        "en": "Showing the first {n:,} rows; add a filter, an aggregate or a LIMIT to see "
              "the rest."},
    "sqlc_csv": {"es": "Descargar CSV", "en": "Download CSV"},
    "sqlc_xlsx": {"es": "Descargar Excel", "en": "Download Excel"},
})

# The common questions (docs/analysts.md): (title es, title en, sql)
EXAMPLES: list[tuple[str, str, str]] = [
    ("Cargos de un contrato por periodo", "Charges of a contract by period", """\
select period_start, active_fraction, fixed_fee_amount, mono_pages, color_pages,
       overage_mono_amount, overage_color_amount, minimum_true_up_amount,
       subtotal, tax_amount, total, currency, has_estimated_reads
from marts.fct_billing_charges
where contract_number = 'CT-2024-0001'
order by period_start"""),
    ("Antigüedad de saldos a una fecha", "Receivables aging as of a date", """\
select bucket, count(*) as invoices, sum(open_amount) as open_amount
from marts.ar_aging(date '2026-03-31')
group by bucket
order by min(bucket_order)"""),
    ("Facturas abiertas a una fecha (detalle)", "Open invoices as of a date (detail)", """\
select *
from marts.ar_aging(date '2026-03-31')
order by days_past_due desc"""),
    ("Historia de un KPI", "KPI history", """\
select stage_code, kpi_code, month, value, target, status
from marts.kpi_monthly
where kpi_code = 'dso_days'
order by month"""),
    ("Diferencias de conciliación", "Reconciliation differences", """\
select contract_number, period_start, expected_subtotal, invoiced_subtotal, difference, status
from marts.fct_invoice_reconciliation
where status <> 'matched'
order by abs(difference) desc"""),
    ("Pagos sin aplicar", "Unapplied payments", """\
select payment_number, account_code, received_on, unapplied_amount
from marts.fct_unapplied_payments
order by unapplied_amount desc"""),
    ("Diccionario: columnas que mencionan IVA", "Dictionary: columns about tax", """\
select relation, column_name, data_type, description
from meta.columns
where description ilike '%iva%' or description ilike '%tax%'
order by relation, ordinal_position"""),
]


def _load_example() -> None:
    choice = st.session_state.get("sqlc_example")
    if choice is not None:
        st.session_state["sqlc_sql"] = EXAMPLES[choice][2]


def render() -> None:
    st.title(t("page_sql_console"))
    st.caption(t("sqlc_intro").format(secs=TIME_LIMIT_MS / 1000, rows=ROW_LIMIT))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    title = 0 if lang() == "es" else 1
    st.selectbox(t("sqlc_examples"), options=list(range(len(EXAMPLES))), index=None,
                 format_func=lambda i: EXAMPLES[i][title], placeholder=t("sqlc_pick_example"),
                 key="sqlc_example", on_change=_load_example)
    with st.form("sqlc_form"):
        st.text_area(t("sqlc_query"), key="sqlc_sql", height=220,
                     placeholder="select * from marts.dim_stage")
        submitted = st.form_submit_button(t("sqlc_run"), type="primary")
    if submitted:
        st.session_state["sqlc_result"] = run(st.session_state.get("sqlc_sql") or "")
    result = st.session_state.get("sqlc_result")
    if result is not None:
        show(result)


def run(sql: str) -> dict:
    """The outcome of one query, kept in the session so downloads survive reruns."""
    if not sql.strip():
        return {"kind": "empty"}
    try:
        columns, rows = reader.run_query(sql, limit=ROW_LIMIT + 1, time_limit_ms=TIME_LIMIT_MS)
    except reader.QueryRefused as exc:
        return {"kind": "refused", "message": exc.text(lang())}
    except reader.QueryTimeout:
        return {"kind": "timeout"}
    except reader.WarehouseUnavailable:
        return {"kind": "unavailable"}
    except reader.QueryFailed as exc:
        return {"kind": "failed", "message": str(exc)}
    truncated = len(rows) > ROW_LIMIT
    frame = pd.DataFrame([_displayable(r) for r in rows[:ROW_LIMIT]],
                         columns=_unique(columns))
    return {"kind": "rows", "frame": frame, "truncated": truncated}


def show(result: dict) -> None:
    kind = result["kind"]
    if kind == "empty":
        st.info(t("sqlc_empty"))
    elif kind == "unavailable":
        st.warning(t("no_warehouse"))
    elif kind == "timeout":
        st.error(t("sqlc_timeout"))
    elif kind in {"refused", "failed"}:
        st.error(t("sqlc_refused") if kind == "refused" else t("sqlc_failed"))
        st.code(result["message"], language=None, wrap_lines=True)  # plain text, never markup
    else:
        frame: pd.DataFrame = result["frame"]
        st.caption(t("sqlc_rows").format(n=len(frame)))
        if result["truncated"]:
            st.warning(t("sqlc_truncated").format(n=ROW_LIMIT))
        st.dataframe(frame, hide_index=True)
        left, right = st.columns(2)
        left.download_button(t("sqlc_csv"), data=lambda: exports.to_csv_bytes(frame),
                             file_name="consulta.csv", mime="text/csv", key="sqlc_dl_csv")
        right.download_button(
            t("sqlc_xlsx"), data=lambda: exports.to_xlsx_bytes(frame, "consulta"),
            file_name="consulta.xlsx", key="sqlc_dl_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


_PLAIN = (str, int, float, bool, Decimal, date, datetime, time, timedelta, bytes)


def _displayable(row: tuple) -> tuple:
    """Values the table widget can show as they are; anything else (UUID, lists, structs)
    as its text."""
    return tuple(v if v is None or isinstance(v, _PLAIN) else str(v) for v in row)


def _unique(columns: list[str]) -> list[str]:
    """`select 1, 1` names two columns alike; the table needs distinct names."""
    out: list[str] = []
    for name in columns:
        candidate, n = name, 1
        while candidate in out:
            n += 1
            candidate = f"{name}_{n}"
        out.append(candidate)
    return out
