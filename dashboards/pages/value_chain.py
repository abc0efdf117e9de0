"""The value chain at a glance: six stages, their objective, output, areas and activity."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboards import queries
from seiton.webapp.formats import fmt_int
from seiton.webapp.i18n import lang, register, t

register({
    "vc_intro": {
        "es": "Todo proceso existe para soportar una etapa de la cadena; cada etapa se mide con KPIs.",
        "en": "Every process exists to support one stage of the chain; each stage is measured by KPIs.",
    },
    "vc_records_by_stage": {"es": "Registros por etapa", "en": "Records per stage"},
    "vc_stage": {"es": "Etapa", "en": "Stage"},
    "vc_transaction_type": {"es": "Tipo de transacción", "en": "Transaction type"},
})

STAGES_SQL = """
select s.stage_id, s.stage_code, s.name_es, s.name_en, s.objective, s.objective_es,
       s.key_output, s.key_output_es, s.areas,
       coalesce(sum(c.records), 0)::bigint as records
from marts.dim_stage as s
left join marts.agg_stage_records as c on c.stage_code = s.stage_code
group by all
order by s.stage_id
"""

COUNTS_SQL = """
select c.stage_code, s.name_es, s.name_en, s.stage_id, c.transaction_type,
       c.transaction_type_name_es, c.transaction_type_name_en, c.records
from marts.agg_stage_records as c
join marts.dim_stage as s using (stage_code)
order by s.stage_id, c.transaction_type
"""


def render() -> None:
    st.title(t("page_value_chain"))
    st.caption(t("vc_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    stages = queries.df(STAGES_SQL)
    spanish = lang() == "es"
    name_col = "name_es" if spanish else "name_en"
    cols = st.columns(3)
    for i, row in enumerate(stages.itertuples()):
        with cols[i % 3].container(border=True):
            st.subheader(f"{row.stage_id}. {getattr(row, name_col)}")
            objective = row.objective_es if spanish else row.objective
            key_output = row.key_output_es if spanish else row.key_output
            st.markdown(f"**{t('objective')}:** {objective}")
            st.markdown(f"**{t('key_output')}:** {key_output}")
            st.markdown(f"**{t('areas')}:** {row.areas}")
            st.metric(t("records"), fmt_int(row.records))
    counts = queries.df(COUNTS_SQL)
    if not counts.empty:
        counts["stage"] = counts["stage_id"].astype(str) + ". " + counts[name_col]
        # the legend shows the record type's name, never its table name
        counts["transaction_type"] = counts[f"transaction_type_{name_col}"]
        fig = px.bar(counts, x="records", y="stage", color="transaction_type", orientation="h",
                     labels={"records": t("records"), "stage": t("vc_stage"),
                             "transaction_type": t("vc_transaction_type")},
                     title=t("vc_records_by_stage"))
        fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(counts["stage"].unique())))
        st.plotly_chart(fig, use_container_width=True)
