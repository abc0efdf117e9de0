"""What every wide table on the dashboards says under it: a table with more columns than a
screen shows is cut at the right edge by the grid, with no scroll bar until the pointer is
over it — so the page says how to see the rest."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seiton.webapp.i18n import register, t

# about what a laptop screen shows of our tables without scrolling
WIDE_COLUMNS = 8

register({"table_scroll_hint": {
    "es": "La tabla tiene más columnas a la derecha: desplázala horizontalmente "
          "(Mayús + rueda del ratón) o amplíala con el botón de pantalla completa.",
    "en": "The table has more columns to the right: scroll it sideways (Shift + mouse "
          "wheel) or enlarge it with the full-screen button."}})


def scroll_hint(frame: pd.DataFrame) -> None:
    """The hint under a table shown with st.dataframe, when it is wide."""
    if len(frame.columns) > WIDE_COLUMNS:
        st.caption(t("table_scroll_hint"))
