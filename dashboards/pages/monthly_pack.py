"""The directors' monthly pack ("Informe mensual de dirección"): one page, and its PDF.

For the chosen month (`?month=YYYY-MM`, as on stage health): each stage's health (how many
KPIs are green, amber, red or without status), the KPIs whose status changed since the
month before, and for every red KPI the three records that weigh most on it
(docs/kpis.md, "Monthly pack"). The same content downloads as a PDF (fpdf2).

Which records weigh most on a red KPI (`CONTRIBUTORS_SQL`, the one place the rule lives):
when lower is better, the records with the largest numerator (the longest cycles, the
contracts under the margin floor, the churned accounts); when higher is better, rates by
their shortfall (denominator − numerator: a lost opportunity, a late response) and other
figures by their smallest numerator. Ties: the latest record first, then by key. KPIs
computed at month grain (DSO, CEI, overdue > 60 days) have no records here; their page is
collections'.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import columns, queries
from dashboards.pages.stage_health import (
    choose_month,
    fmt_value,
    kpi_name,
    md_escape,
    month_label,
    month_options,
    month_start,
    stage_name,
    status_text,
)
from seiton.webapp.formats import fmt_date, fmt_number
from seiton.webapp.i18n import register, t

register({
    "mp_title": {"es": "Informe mensual de dirección", "en": "Directors' monthly pack"},
    "mp_intro": {
        "es": "La salud de cada etapa en el mes, los indicadores que cambiaron de estado desde "
              "el mes anterior y, para cada indicador en rojo, los tres registros que más pesan "
              "en él. Descárgalo en PDF para la junta.",
        "en": "Each stage's health for the month, the KPIs whose status changed since the "
              "month before and, for every red KPI, the three records that weigh most on it. "
              "Download it as a PDF for the meeting."},
    "mp_health": {"es": "Salud de las etapas", "en": "Stage health"},
    "mp_changes": {"es": "Cambios de estado desde {month}", "en": "Status changes since {month}"},
    "mp_no_changes": {"es": "Ningún indicador cambió de estado.",
                      "en": "No KPI changed status."},
    "mp_red": {"es": "Indicadores en rojo y sus tres registros de mayor peso",
               "en": "Red KPIs and their three heaviest records"},
    "mp_no_red": {"es": "Ningún indicador está en rojo.", "en": "No KPI is red."},
    "mp_no_records": {"es": "Se calcula por mes, sin registros individuales (ver Cartera y "
                            "cobranza).",
                      "en": "Computed per month, without individual records (see "
                            "Receivables and collections)."},
    "mp_pdf": {"es": "Descargar PDF", "en": "Download PDF"},
    "mp_before": {"es": "Antes", "en": "Before"},
    "mp_now": {"es": "Ahora", "en": "Now"},
    "mp_value_before": {"es": "Valor antes", "en": "Value before"},
    "mp_value_now": {"es": "Valor ahora", "en": "Value now"},
})

KPIS_SQL = """
select stage_code, stage_id, kpi_code, kpi_order, kpi_name_es, kpi_name_en, unit, direction,
       aggregation, month, value, target, amber, status
from marts.kpi_monthly
where month in (cast(? as date), cast(? as date) - interval 1 month)
order by stage_id, kpi_order nulls last, kpi_code, month
"""

STAGES_SQL = "select stage_id, stage_code, name_es, name_en from marts.dim_stage order by stage_id"

CONTRIBUTORS_SQL = """
with red as (
    select kpi_code, direction, aggregation
    from marts.kpi_monthly
    where month = cast(? as date) and status = 'red'
),
scored as (
    select r.kpi_code, r.record_type, r.record_key, r.record_date, r.account_code,
           r.contract_number, r.numerator, r.denominator, r.detail,
           case
               when red.direction = 'down' then r.numerator
               when red.aggregation = 'ratio_pct'
                   then coalesce(r.denominator, 0) - coalesce(r.numerator, 0)
               else -r.numerator
           end as weight
    from marts.fct_kpi_records as r
    inner join red on r.kpi_code = red.kpi_code
    where r.month = cast(? as date)
)
select *
from scored
qualify row_number() over (
    partition by kpi_code order by weight desc nulls last, record_date desc, record_key
) <= 3
order by kpi_code, weight desc nulls last, record_date desc, record_key
"""


# --------------------------------------------------------------------------- the content


def pack(month) -> dict[str, pd.DataFrame]:
    """The pack's tables for `month` (a date, first of the month)."""
    kpis = queries.df(KPIS_SQL, (month, month))
    kpis["month"] = pd.to_datetime(kpis["month"])
    now = kpis[kpis["month"] == pd.Timestamp(month)]
    before = kpis[kpis["month"] < pd.Timestamp(month)].set_index("kpi_code")
    stages = queries.df(STAGES_SQL)
    health = []
    for stage in stages.itertuples():
        statuses = now.loc[now["stage_code"] == stage.stage_code, "status"]
        health.append({"stage": f"{stage.stage_id} · {stage_name(stage)}",
                       "green": int((statuses == "green").sum()),
                       "amber": int((statuses == "amber").sum()),
                       "red": int((statuses == "red").sum()),
                       "none": int(statuses.isna().sum())})
    changes = []
    for row in now.itertuples():
        if row.kpi_code not in before.index:
            continue  # the first reported month: nothing to compare with
        old = before.loc[row.kpi_code]
        old_status = None if pd.isna(old["status"]) else old["status"]
        new_status = None if pd.isna(row.status) else row.status
        if old_status != new_status:
            changes.append({"kpi": kpi_name(row), "stage": row.stage_code,
                            "before": status_text(old_status), "now": status_text(new_status),
                            "value_before": fmt_value(old["value"], row.unit),
                            "value_now": fmt_value(row.value, row.unit)})
    red = now[now["status"] == "red"]
    records = queries.df(CONTRIBUTORS_SQL, (month, month))
    return {"health": pd.DataFrame(health), "changes": pd.DataFrame(changes), "red": red,
            "records": records}


def _records_of(records: pd.DataFrame, kpi_code: str) -> pd.DataFrame:
    """A red KPI's heaviest records as text (the page and the PDF show the same), under the
    mart's column labels (dashboards/columns.py)."""
    rows = records[records["kpi_code"] == kpi_code]

    def number(value) -> str:
        return "" if pd.isna(value) else fmt_number(value, 2)

    text = pd.DataFrame({
        "record_key": rows["record_key"], "record_date": rows["record_date"].map(fmt_date),
        "account_code": rows["account_code"].fillna(""),
        "contract_number": rows["contract_number"].fillna(""),
        "numerator": rows["numerator"].map(number), "denominator": rows["denominator"].map(number),
        "detail": rows["detail"].fillna("")})
    return columns.labelled(text, "fct_kpi_records")


def _health_table(health: pd.DataFrame) -> pd.DataFrame:
    return health.rename(columns={"stage": t("kpi_stage"), "green": t("kpi_green"),
                                  "amber": t("kpi_amber_status"), "red": t("kpi_red"),
                                  "none": t("kpi_no_status")})


def _changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    return changes.drop(columns=["stage"]).rename(columns={
        "kpi": t("kpi_kpi"), "before": t("mp_before"), "now": t("mp_now"),
        "value_before": t("mp_value_before"), "value_now": t("mp_value_now")})


# --------------------------------------------------------------------------- the PDF


def _pdf_text(value) -> str:
    """The PDF's core fonts are Latin-1: what they cannot draw becomes '?', never an error."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    text = text.replace("→", "->").replace("—", "-").replace("≥", ">=").replace("≤", "<=")
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf_table(pdf, frame: pd.DataFrame) -> None:
    with pdf.table(text_align="LEFT", line_height=5) as table:
        table.row([_pdf_text(c) for c in frame.columns])
        for values in frame.itertuples(index=False):
            table.row([_pdf_text(v) for v in values])
    pdf.ln(3)


def build_pdf(month, content: dict[str, pd.DataFrame]) -> bytes:
    """The pack as a PDF: the same tables as the page, in the UI language."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_compression(False)  # small, and its text stays searchable by tools and tests
    pdf.set_title(_pdf_text(f"{t('mp_title')} - {month_label(month)}"))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _pdf_text(f"{t('mp_title')} - {month_label(month)}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, _pdf_text(t("mp_health")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    _pdf_table(pdf, _health_table(content["health"]))
    pdf.set_font("helvetica", "B", 12)
    previous = (pd.Timestamp(month) - pd.DateOffset(months=1)).date()
    pdf.cell(0, 8, _pdf_text(t("mp_changes").format(month=month_label(previous))),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    if content["changes"].empty:
        pdf.cell(0, 6, _pdf_text(t("mp_no_changes")), new_x="LMARGIN", new_y="NEXT")
    else:
        _pdf_table(pdf, _changes_table(content["changes"]))
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, _pdf_text(t("mp_red")), new_x="LMARGIN", new_y="NEXT")
    if content["red"].empty:
        pdf.set_font("helvetica", "", 9)
        pdf.cell(0, 6, _pdf_text(t("mp_no_red")), new_x="LMARGIN", new_y="NEXT")
    for row in content["red"].itertuples():
        pdf.set_font("helvetica", "B", 10)
        pdf.cell(0, 7, _pdf_text(f"{kpi_name(row)}: {fmt_value(row.value, row.unit)}"),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 9)
        records = _records_of(content["records"], row.kpi_code)
        if records.empty:
            pdf.cell(0, 6, _pdf_text(t("mp_no_records")), new_x="LMARGIN", new_y="NEXT")
        else:
            _pdf_table(pdf, records)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- the page


def render() -> None:
    st.title(t("mp_title"))
    st.caption(t("mp_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    months = month_options()
    if months.empty:
        st.info(t("kpi_no_months"))
        return
    chosen = choose_month(months, key="mp-month")
    month = month_start(chosen)
    content = pack(month)
    st.download_button(t("mp_pdf"), data=build_pdf(month, content),
                       file_name=f"informe-direccion-{chosen}.pdf", mime="application/pdf",
                       key="mp-pdf", icon=":material/picture_as_pdf:")

    st.subheader(t("mp_health"))
    st.dataframe(_health_table(content["health"]), hide_index=True, key="mp-health")

    previous = (pd.Timestamp(month) - pd.DateOffset(months=1)).date()
    st.subheader(t("mp_changes").format(month=month_label(previous)))
    if content["changes"].empty:
        st.caption(t("mp_no_changes"))
    else:
        st.dataframe(_changes_table(content["changes"]), hide_index=True, key="mp-changes")

    st.subheader(t("mp_red"))
    if content["red"].empty:
        st.caption(t("mp_no_red"))
    for row in content["red"].itertuples():
        st.markdown(f"**{md_escape(kpi_name(row))}**: {md_escape(fmt_value(row.value, row.unit))}")
        records = _records_of(content["records"], row.kpi_code)
        if records.empty:
            st.caption(t("mp_no_records"))
        else:
            st.dataframe(records, hide_index=True, key=f"mp-records-{row.kpi_code}")
