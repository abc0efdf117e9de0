"""Data dictionary (analysts, admin): every published relation, its columns, what they mean
and where they come from — read from meta.relations / meta.columns, which publish writes
from dbt's manifest (seiton/warehouse/dictionary.py). The full dbt site: `seiton docs`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries
from seiton.webapp.i18n import lang, register, t

register({
    "page_data_dictionary": {"es": "Diccionario de datos", "en": "Data dictionary"},
    "dd_intro": {
        "es": "Las tablas y macros publicadas (esquema marts), sus columnas, qué significan y "
              "de qué etapas de la cadena vienen. Se consultan en la consola SQL; el sitio "
              "completo de dbt se abre con `seiton docs`.",
        "en": "The published tables and macros (schema marts), their columns, what they mean "
              "and which value-chain stages they come from. Query them in the SQL console; "
              "`seiton docs` opens dbt's full site."},
    "dd_missing": {
        "es": "El almacén publicado aún no tiene diccionario: ejecuta `seiton refresh`.",
        "en": "The published warehouse has no dictionary yet: run `seiton refresh`."},
    "dd_search": {"es": "Buscar (tabla, columna o descripción)",
                  "en": "Search (table, column or description)"},
    "dd_stage_filter": {"es": "Etapas", "en": "Stages"},
    "dd_relations": {"es": "{n} relaciones", "en": "{n} relations"},
    "dd_no_match": {"es": "Nada coincide con la búsqueda.", "en": "Nothing matches the search."},
    "dd_relation": {"es": "Relación", "en": "Relation"},
    "dd_kind": {"es": "Tipo", "en": "Kind"},
    "dd_description": {"es": "Descripción", "en": "Description"},
    "dd_stages": {"es": "Etapas", "en": "Stages"},
    "dd_rows": {"es": "Filas", "en": "Rows"},
    "dd_column": {"es": "Columna", "en": "Column"},
    "dd_type": {"es": "Tipo de dato", "en": "Data type"},
    "dd_depends_on": {"es": "Se construye a partir de", "en": "Built from"},
    "dd_sources": {"es": "Tablas operativas de origen", "en": "Operational source tables"},
    "dd_call": {"es": "Uso", "en": "Usage"},
    "dd_matching_columns": {"es": "columnas que coinciden", "en": "matching columns"},
    "dd_no_description": {"es": "(sin descripción)", "en": "(no description)"},
})

RELATIONS_SQL = """
select relation, kind, parameters, description, stages, depends_on, sources, row_count
from meta.relations
order by relation
"""
COLUMNS_SQL = """
select relation, column_name, ordinal_position, data_type, description
from meta.columns
order by relation, ordinal_position
"""
HAS_DICTIONARY_SQL = """
select count(*) as n from information_schema.tables
where table_schema = 'meta' and table_name in ('relations', 'columns')
"""
STAGES_SQL = "select stage_code, name_es, name_en from marts.dim_stage order by stage_id"


def render() -> None:
    st.title(t("page_data_dictionary"))
    st.caption(t("dd_intro"))
    if not queries.warehouse_ready():
        st.warning(t("no_warehouse"))
        return
    if int(queries.df(HAS_DICTIONARY_SQL)["n"].iloc[0]) < 2:
        st.info(t("dd_missing"))
        return
    relations = queries.df(RELATIONS_SQL)
    columns = queries.df(COLUMNS_SQL)
    stage_names = _stage_names()

    left, right = st.columns([2, 1])
    needle = left.text_input(t("dd_search"), key="dd_search").strip()
    all_stages = [s for s in stage_names if any(s in _as_list(v) for v in relations["stages"])]
    wanted = right.multiselect(t("dd_stage_filter"), all_stages, key="dd_stages",
                               format_func=lambda s: stage_names.get(s, s))

    shown, hits = filter_dictionary(relations, columns, needle, wanted)
    if shown.empty:
        st.info(t("dd_no_match"))
        return
    st.caption(t("dd_relations").format(n=len(shown)))
    summary = pd.DataFrame({
        t("dd_relation"): shown["relation"],
        t("dd_kind"): shown["kind"],
        t("dd_stages"): [", ".join(stage_names.get(s, s) for s in _as_list(v)) for v in shown["stages"]],
        t("dd_rows"): shown["row_count"],
        t("dd_description"): shown["description"].fillna(""),
    })
    st.dataframe(summary, hide_index=True)

    for rel in shown.itertuples(index=False):
        matching = hits.get(rel.relation, 0)
        label = f"{rel.relation}" + (f"  ·  {matching} {t('dd_matching_columns')}" if needle and matching else "")
        with st.expander(label, expanded=len(shown) == 1):
            _relation_detail(rel, columns, stage_names, needle)


def filter_dictionary(relations: pd.DataFrame, columns: pd.DataFrame, needle: str,
                      stages: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Relations matching the search (in their name, description or any column's name or
    description) and having one of `stages` (all when empty); with per-relation column hits."""
    keep = relations
    if stages:
        keep = keep[[bool(set(_as_list(v)) & set(stages)) for v in keep["stages"]]]
    hits: dict[str, int] = {}
    if needle:
        low = needle.lower()
        col_match = (columns["column_name"].str.lower().str.contains(low, regex=False)
                     | columns["description"].fillna("").str.lower().str.contains(low, regex=False))
        hits = columns[col_match].groupby("relation").size().to_dict()
        rel_match = (keep["relation"].str.lower().str.contains(low, regex=False)
                     | keep["description"].fillna("").str.lower().str.contains(low, regex=False)
                     | keep["relation"].isin(hits))
        keep = keep[rel_match]
    return keep.reset_index(drop=True), hits


def _relation_detail(rel, columns: pd.DataFrame, stage_names: dict[str, str], needle: str) -> None:
    if rel.kind in {"table_macro", "macro"}:
        usage = f"select * from {rel.relation}({rel.parameters or ''})"  # noqa: S608 - shown, not run
        st.markdown(f"**{t('dd_call')}:** `{usage}`")
    st.markdown(rel.description or f"_{t('dd_no_description')}_")
    stages = _as_list(rel.stages)
    if stages:
        st.markdown(f"**{t('dd_stages')}:** " + ", ".join(stage_names.get(s, s) for s in stages))
    parents = _as_list(rel.depends_on)
    if parents:
        st.markdown(f"**{t('dd_depends_on')}:** " + ", ".join(f"`{p}`" for p in parents))
    sources = _as_list(rel.sources)
    if sources:
        st.markdown(f"**{t('dd_sources')}:** " + ", ".join(f"`{s}`" for s in sources))
    cols = columns[columns["relation"] == rel.relation]
    if needle:  # matching columns first, the rest after
        low = needle.lower()
        match = (cols["column_name"].str.lower().str.contains(low, regex=False)
                 | cols["description"].fillna("").str.lower().str.contains(low, regex=False))
        cols = pd.concat([cols[match], cols[~match]])
    st.dataframe(pd.DataFrame({
        t("dd_column"): cols["column_name"],
        t("dd_type"): cols["data_type"],
        t("dd_description"): cols["description"].fillna(""),
    }), hide_index=True)


def _stage_names() -> dict[str, str]:
    try:
        stages = queries.df(STAGES_SQL)
    except Exception:  # a warehouse without dim_stage still has a dictionary
        return {}
    col = "name_es" if lang() == "es" else "name_en"
    return dict(zip(stages["stage_code"], stages[col], strict=True))


def _as_list(value) -> list:
    if value is None:
        return []
    try:
        if pd.isna(value):
            return []
    except (TypeError, ValueError):
        pass
    return list(value)
