"""The trends draw the target in force each month (docs/kpis.md, "Targets"): after a
change from month M, the line moves from M on and stays where it was before M."""

from __future__ import annotations

import re

import pandas as pd

from dashboards.pages.stage_detail import trend
from dashboards.pages.stage_health import sparkline_svg

MONTHS = pd.date_range("2026-01-01", periods=6, freq="MS")


def _history() -> pd.DataFrame:
    return pd.DataFrame({
        "month": MONTHS, "value": [40.0] * 6,
        "status": ["green"] * 3 + ["red"] * 3,  # judged against 35, then against 45
        "target": [35.0] * 3 + [45.0] * 3, "amber": [30.0] * 3 + [42.0] * 3,
        "unit": "pct", "direction": "up", "kpi_name_es": "Tasa de cierre",
        "kpi_name_en": "Win rate"})


def test_stage_detail_trend_follows_the_target_in_force_each_month():
    fig = trend(_history())
    lines = {tr.line.dash: list(tr.y) for tr in fig.data if tr.type == "scatter"}
    assert lines["dash"] == [35.0, 35.0, 35.0, 45.0, 45.0, 45.0]  # target
    assert lines["dot"] == [30.0, 30.0, 30.0, 42.0, 42.0, 42.0]  # amber


def test_stage_health_sparkline_steps_up_at_the_change_only():
    svg = sparkline_svg(_history())
    dashed = re.search(r'<polyline points="([^"]+)"[^>]*stroke-dasharray', svg).group(1)
    ys = [float(p.split(",")[1]) for p in dashed.split()]
    before, after = ys[:6], ys[6:]  # two points per month
    assert len(set(before)) == 1 and len(set(after)) == 1
    assert after[0] < before[0]  # a higher target is drawn higher (smaller y)
    assert svg.count("<circle") == 6


def test_the_trend_says_its_unit_and_keeps_the_target_label_off_the_bars():
    fig = trend(_history())
    assert fig.layout.yaxis.title.text == "%"
    (note,) = fig.layout.annotations
    # in paper coordinates above the plot area: it cannot cover a bar or its value
    assert (note.xref, note.yref, note.yanchor) == ("paper", "paper", "bottom")
    assert note.y >= 1
    assert fig.data[0].textfont.size >= 12
