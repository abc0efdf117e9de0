"""The one place dashboards read data: short-lived read-only connections, cached results.

The cache key includes the published file's modification time, so a refresh (which swaps
the file) invalidates every cached answer at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seiton.config import load_settings
from seiton.warehouse.reader import WarehouseUnavailable, query_df


def published_version() -> float:
    path = load_settings().published_warehouse
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def _cached(sql: str, params: tuple, version: float) -> pd.DataFrame:
    return query_df(sql, list(params))


def df(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    return _cached(sql, tuple(params), published_version())


def warehouse_ready() -> bool:
    return published_version() > 0


__all__ = ["df", "warehouse_ready", "WarehouseUnavailable"]
