"""What a dashboard table calls its columns and how it shows them: the one owner.

A mart column's label (Spanish and English) and unit live once, in the mart's YAML
(`meta: {label: {es: ..., en: ...}, unit: ...}`, docs/conventions.md "Column labels and
units"); publish copies them into the data dictionary (meta.columns: label_es, label_en,
unit) with the marts they describe. Pages name the models they read and call `labelled` /
`column_config`; a column a page computes itself (a count, a share, a median) is not in a
mart, so the page passes its label in `page=` — that is the only place a page still names a
column.

Money is found by type, not by name: the marts' money is DECIMAL with two decimals (the
`to_money` cast), which `queries.df` keeps in `frame.attrs["sql_types"]` (pandas itself
receives it as float), or Decimal values in a column a page built. A two-decimal DECIMAL
whose unit says it is not money (DSO in days, CEI in %) is not money.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import pandas as pd

Label = tuple[str | None, str | None, str | None]  # (es, en, unit)

NOT_MONEY_UNITS = frozenset({"%", "days", "pages"})
UNIT_HELP = {
    "MXN": {"es": "Pesos mexicanos (MXN)", "en": "Mexican pesos (MXN)"},
    "currency": {"es": "En la moneda de la fila", "en": "In the row's currency"},
    "%": {"es": "Porcentaje", "en": "Percent"},
    "days": {"es": "Días", "en": "Days"},
    "pages": {"es": "Páginas", "en": "Pages"},
}
_MONEY_TYPE = re.compile(r"^DECIMAL\(\d+,\s*2\)$", re.IGNORECASE)
_LABELS_SQL = """
select relation, column_name, label_es, label_en, unit
from meta.columns
where label_es is not null or label_en is not null or unit is not null
"""


# --------------------------------------------------------------------------- where labels live


@lru_cache(maxsize=4)
def _published_labels(version: float) -> dict[str, dict[str, Label]]:
    """model → column → label, from the published dictionary; from the marts' YAML when the
    published file has none (published before labels were carried, or built by hand)."""
    from dashboards import queries
    from seiton.warehouse.dictionary import yaml_column_labels

    try:
        rows = queries.df(_LABELS_SQL)
    except Exception:  # noqa: BLE001 - no meta.columns, or one without the label columns
        rows = pd.DataFrame()
    found: dict[str, dict[str, Label]] = {}
    for r in rows.itertuples(index=False):
        model = str(r.relation).split(".", 1)[-1]
        found.setdefault(model, {})[r.column_name.lower()] = (
            _text(r.label_es), _text(r.label_en), _text(r.unit))
    return found or yaml_column_labels()


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def mart_labels() -> dict[str, dict[str, Label]]:
    from dashboards import queries

    return _published_labels(queries.published_version())


def _lang(language: str | None) -> str:
    if language:
        return language
    from seiton.webapp.i18n import lang

    return lang()


def _find(column: str, models: Iterable[str]) -> Label | None:
    labels = mart_labels()
    for model in models:
        found = labels.get(model, {}).get(column.lower())
        if found:
            return found
    return None


def label(model: str, column: str, language: str | None = None) -> str:
    """A mart column's label in the UI language (the column's name if it has none)."""
    found = _find(column, [model])
    if not found:
        return column
    es, en, _ = found
    return (en if _lang(language) == "en" else es) or es or en or column


def unit(model: str, column: str) -> str | None:
    found = _find(column, [model])
    return found[2] if found else None


# --------------------------------------------------------------------------- frames


def labelled(frame: pd.DataFrame, *models: str, page: Mapping[str, str] | None = None,
             language: str | None = None) -> pd.DataFrame:
    """A copy of a mart query's frame with its columns renamed to labels: `page` first (the
    columns the page computes), then the first of `models` that labels the column. The SQL
    types and units go along (attrs), so `column_config` and the exports still see them."""
    page = dict(page or {})
    names: dict[str, str] = {}
    units: dict[str, str] = dict(frame.attrs.get("units") or {})
    for column in frame.columns:
        column = str(column)
        if column in page:
            names[column] = page[column]
            continue
        found = _find(column, models)
        if found:
            es, en, unit_ = found
            names[column] = (en if _lang(language) == "en" else es) or es or en or column
            if unit_:
                units[column] = unit_
    view = frame.rename(columns=names)
    view.attrs = {
        **frame.attrs,
        "sql_types": {names.get(c, c): t for c, t in (frame.attrs.get("sql_types") or {}).items()},
        "units": {names.get(c, c): u for c, u in units.items()},
    }
    return view


def keep_types(frame: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """`frame` (built by the page from `source`'s columns) with `source`'s SQL types."""
    frame.attrs["sql_types"] = {**(source.attrs.get("sql_types") or {}),
                                **(frame.attrs.get("sql_types") or {})}
    return frame


def money_columns(frame: pd.DataFrame) -> set[str]:
    """The money columns of a frame: two-decimal DECIMAL in the SQL result, or Decimal values
    in a column the page built — unless the column's unit is not money (%, days, pages)."""
    types = frame.attrs.get("sql_types") or {}
    units = frame.attrs.get("units") or {}
    found = set()
    for column in frame.columns:
        name = str(column)
        if units.get(name) in NOT_MONEY_UNITS:
            continue
        sql_type = types.get(name)
        if sql_type is not None:
            if _MONEY_TYPE.match(sql_type):
                found.add(name)
        elif frame[column].dtype == object and any(
                isinstance(v, Decimal) and v.as_tuple().exponent == -2
                for v in frame[column].head(200)):
            found.add(name)
    return found


def as_money(frame: pd.DataFrame, *names: str) -> pd.DataFrame:
    """Mark columns the page computed from money columns (a calculation's amounts) as money,
    the type they would have in SQL."""
    frame.attrs["sql_types"] = {**(frame.attrs.get("sql_types") or {}),
                                **dict.fromkeys(names, "DECIMAL(18,2)")}
    return frame


def _date_kind(frame: pd.DataFrame, column) -> str | None:
    """'date' or 'timestamp' for a column of dates."""
    sql_type = str((frame.attrs.get("sql_types") or {}).get(str(column), "")).upper()
    if sql_type == "DATE":
        return "date"
    if sql_type.startswith("TIMESTAMP"):
        return "timestamp"
    if sql_type:
        return None
    series = frame[column]
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if series.dtype == object:
        sample = series.dropna().head(20)
        if len(sample) and all(isinstance(v, date) for v in sample):
            return "timestamp" if any(isinstance(v, datetime) for v in sample) else "date"
    return None


def column_config(frame: pd.DataFrame, *models: str, page: Mapping[str, str] | None = None,
                  language: str | None = None) -> dict:
    """st.dataframe's column_config for a frame: money as accounting numbers, dates in the
    language's format, percentages with %, the unit as the header's tooltip.

    For a frame already `labelled`, pass nothing more; for a frame that keeps the marts'
    column names (tests read them), pass its models (and `page` labels): the labels then go
    in the config."""
    import streamlit as st

    from seiton.webapp.formats import table_date_format

    language = _lang(language)
    page = dict(page or {})
    units = dict(frame.attrs.get("units") or {})
    money = money_columns(frame)
    config = {}
    for column in frame.columns:
        name = str(column)
        shown: str | None = page.get(name)
        if shown is None and models:
            found = _find(name, models)
            if found:
                shown = (found[1] if language == "en" else found[0]) or found[0] or name
                if found[2]:
                    units.setdefault(name, found[2])
        unit_ = units.get(name)
        help_ = UNIT_HELP.get(unit_, {}).get(language) if unit_ else None
        kind = _date_kind(frame, column)
        if name in money and unit_ not in NOT_MONEY_UNITS:
            config[name] = st.column_config.NumberColumn(shown, help=help_, format="accounting")
        elif kind:
            config[name] = st.column_config.DateColumn(
                shown, help=help_, format=table_date_format(language, with_time=kind == "timestamp"))
        elif unit_ == "%":
            config[name] = st.column_config.NumberColumn(shown, help=help_, format="%.2f %%")
        elif shown is not None or help_:
            config[name] = st.column_config.Column(shown, help=help_)
    return config


def table(frame: pd.DataFrame, *models: str, page: Mapping[str, str] | None = None
          ) -> tuple[pd.DataFrame, dict]:
    """(the labelled frame, its column_config): what st.dataframe needs."""
    view = labelled(frame, *models, page=page)
    return view, column_config(view)
