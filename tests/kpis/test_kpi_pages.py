"""The directors' KPI pages on a small published warehouse (conftest.kpi_home): stage health,
stage detail with its drill-down, lead to cash; the view in the URL; Spanish and English;
who may open them; numbers written as in Mexico."""

from __future__ import annotations

import pytest

from seiton.webapp.registry import can_open, page_by_key

from .conftest import AGING, LAST_COMPLETE, WIN_RATE_RECORDS, kpi_rows, open_page, rerun

STAGE_TITLES = [
    "1 · Atracción y venta",
    "2 · Formalización del contrato",
    "3 · Implementación y entrega del servicio",
    "4 · Operación recurrente y soporte",
    "5 · Medición, facturación y cobranza",
    "6 · Renovación, crecimiento o cierre",
]
KPI_PAGES = ("salud-de-etapas", "detalle-de-etapa", "prospecto-a-cobro")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def select(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


# --------------------------------------------------------------------------- stage health


def test_stage_health_shows_the_six_stages_in_chain_order(kpi_home):
    at = open_page("salud-de-etapas")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Salud de las etapas"]
    assert [s.value for s in at.subheader] == STAGE_TITLES
    # the latest complete month, not the partial as-of month, and it is in the URL
    assert select(at, "Mes").value == "2026-10"
    assert at.query_params["month"] == "2026-10"


def test_stage_health_counts_statuses_of_the_chosen_month(kpi_home):
    at = open_page("salud-de-etapas", query={"month": "2026-05"})
    assert select(at, "Mes").value == "2026-05"
    month = [r for r in kpi_rows() if r["month"].isoformat() == "2026-05-01"]
    expected = {
        "En meta": sum(r["status"] == "green" for r in month),
        "En alerta": sum(r["status"] == "amber" for r in month),
        "Fuera de meta": sum(r["status"] == "red" for r in month),
        "Sin meta o sin dato": sum(r["status"] is None for r in month),
    }
    assert {k: int(v) for k, v in metrics(at).items()} == expected
    assert sum(expected.values()) == 32  # every KPI of docs/stages-and-kpis.md


def kpi_links(at) -> dict[str, str]:
    """The stage tiles' KPI lines (page links): label → the detail page's query string."""
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")
            if "kpi=" in link.proto.query_string}


def test_stage_health_tiles_show_each_kpi_with_its_status_colour(kpi_home):
    at = open_page("salud-de-etapas")
    lines = list(kpi_links(at))
    # win_rate for October is 60 %: green against a 35 % target, written as in Mexico
    assert ":green[●] Tasa de cierre · **:green[60\\.0 %]**" in lines
    # every KPI has its 12-month trend drawn beside it
    assert len(at.get("image")) == 32
    # a KPI without a target shows its value in grey (no status)
    assert any(line.startswith(":gray[●] Pipeline abierto") for line in lines)
    assert len(lines) == 32


def test_a_kpi_line_opens_that_kpis_detail(kpi_home):
    """The drill lands on the KPI the director clicked, in the stage and month shown."""
    from urllib.parse import parse_qs

    at = open_page("salud-de-etapas", query={"month": "2026-05"})
    links = kpi_links(at)
    query = parse_qs(next(q for label, q in links.items() if "Tasa de cierre" in label))
    assert query == {"stage": ["sales"], "kpi": ["win_rate"], "month": ["2026-05"]}
    # one link per KPI, each to its own code
    codes = [parse_qs(q)["kpi"][0] for q in links.values()]
    assert len(codes) == len(set(codes)) == 32


def test_stage_health_switching_month_updates_the_url(kpi_home):
    at = open_page("salud-de-etapas")
    select(at, "Mes").set_value("2026-03")
    rerun(at)
    assert not at.exception, at.exception
    assert at.query_params["month"] == "2026-03"


def test_stage_health_in_english(kpi_home):
    at = open_page("salud-de-etapas", lang="en")
    assert [t.value for t in at.title] == ["Stage health"]
    assert "On target" in metrics(at)
    assert select(at, "Month").value == "2026-10"


def test_an_unknown_month_in_the_url_falls_back_to_the_default(kpi_home):
    at = open_page("salud-de-etapas", query={"month": "1999-01"})
    assert not at.exception
    assert select(at, "Mes").value == "2026-10"


# --------------------------------------------------------------------------- stage detail


def test_stage_detail_drills_down_from_a_kpi_to_its_records(kpi_home):
    at = open_page("detalle-de-etapa",
                   query={"stage": "sales", "kpi": "win_rate", "month": "2026-10"})
    assert not at.exception, at.exception
    assert select(at, "Etapa").value == "sales"
    assert select(at, "Indicador").value == "win_rate"
    shown = metrics(at)
    assert shown["Tasa de cierre · octubre 2026"] == "60.0 %"
    assert shown["Estado"] == "En meta"
    assert shown["Registros"] == "5"
    records = at.dataframe[0].value
    assert list(records["record_key"]) == [r[0] for r in WIN_RATE_RECORDS]
    assert records["numerator"].sum() == 3 and records["denominator"].sum() == 5


def test_stage_detail_defaults_and_writes_the_view_to_the_url(kpi_home):
    at = open_page("detalle-de-etapa")
    assert not at.exception, at.exception
    assert at.query_params["stage"] == "sales"
    assert at.query_params["month"] == "2026-10"
    assert at.query_params["kpi"] == "win_rate"
    # one 12-month trend per KPI of the stage
    assert [s.value for s in at.subheader] == ["Tendencias", "Registros detrás de la cifra"]


def test_stage_detail_collections_kpi_lists_invoices_over_60_days(kpi_home):
    at = open_page("detalle-de-etapa",
                   query={"stage": "billing", "kpi": "overdue_60_pct", "month": "2026-10"})
    assert not at.exception, at.exception
    invoices = at.dataframe[0].value
    assert sorted(invoices["invoice_number"]) == sorted(a[0] for a in AGING if a[5] > 60)


def test_stage_detail_month_without_records_says_so(kpi_home):
    at = open_page("detalle-de-etapa",
                   query={"stage": "sales", "kpi": "win_rate", "month": "2026-09"})
    assert not at.exception
    assert any("No hay registros" in i.value for i in at.info)


# --------------------------------------------------------------------------- lead to cash


def test_lead_to_cash_flow_cohorts_and_deals(kpi_home):
    at = open_page("prospecto-a-cobro", query={"from": "2026-06", "to": "2026-10"})
    assert not at.exception, at.exception
    assert at.query_params["from"] == "2026-06" and at.query_params["to"] == "2026-10"
    assert [s.value for s in at.subheader] == [
        "Flujo de las oportunidades creadas en el periodo", "Cohortes por mes ganado",
        "Ventas ganadas del periodo"]
    cohorts, deals = at.dataframe[0].value, at.dataframe[1].value
    assert list(cohorts["won"]) == [3]  # one cohort, October 2026
    assert cohorts["days_to_activation"].iloc[0] == 10  # median of 10 and 10
    assert list(deals["opportunity_code"]) == ["OP-1", "OP-2", "OP-3"]
    assert list(deals["furthest_step"]) == ["Facturadas", "Contrato activo", "Ganadas"]
    # the won deals have twelve columns, more than a screen shows: the page says so once
    hints = [c.value for c in at.caption if "más columnas a la derecha" in c.value]
    assert len(hints) == 1


def test_lead_to_cash_defaults_to_the_last_twelve_months(kpi_home):
    at = open_page("prospecto-a-cobro")
    assert not at.exception
    assert at.query_params["to"] == "2026-10"


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("key", KPI_PAGES)
def test_directors_and_analysts_open_the_kpi_pages_operators_and_finance_do_not(key):
    page = page_by_key(key)
    assert page.kind == "dashboard" and page.section == "section_dashboards"
    assert can_open("director", None, page) and can_open("analyst", None, page)
    assert can_open("admin", None, page)
    assert not can_open("finance", None, page)
    assert not can_open("operator", "comercial", page)


def test_an_operator_forcing_a_kpi_page_does_not_get_it(kpi_home):
    at = open_page("salud-de-etapas", role="operator", area="comercial")
    assert "Salud de las etapas" not in [t.value for t in at.title]


def test_without_a_published_warehouse_the_pages_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    for key in KPI_PAGES:
        at = open_page(key)
        assert not at.exception, (key, at.exception)
        assert any("seiton refresh" in w.value for w in at.warning), key


# --------------------------------------------------------------------------- formatting


def test_numbers_are_written_as_in_mexico():
    from dashboards.pages.stage_health import fmt_money, fmt_value

    assert fmt_value(1234567.891, "mxn") == "$1,234,568"
    assert fmt_value(95.26, "pct") == "95.3 %"
    assert fmt_value(12.5, "days") == "12.5 días"
    assert fmt_value(12.5, "hours") == "12.5 h"
    assert fmt_value(3, "count") == "3"
    assert fmt_value(None, "pct") == "—"
    assert fmt_money(1234.5) == "$1,234.50"


@pytest.mark.parametrize(("lang", "long", "short"), [
    ("es", "octubre 2026", "oct 2026"), ("en", "October 2026", "Oct 2026")])
def test_month_names_are_babels_in_the_ui_language(monkeypatch, lang, long, short):
    """No hand-typed month list: the names are the locale's (seiton/webapp/formats.py)."""
    from dashboards.pages import stage_health
    from seiton.webapp import formats

    monkeypatch.setattr(formats, "lang", lambda: lang)
    assert stage_health.month_label("2026-10-01") == long
    assert stage_health.month_label("2026-10-01", short=True) == short
    assert formats.fmt_month(None) == "—"
    assert not hasattr(stage_health, "MONTHS_ES")


def test_data_in_markdown_is_escaped():
    from dashboards.pages.stage_health import md_escape

    assert md_escape("[x](javascript:alert(1)) *b* :red[z]") == (
        "\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*b\\* \\:red\\[z\\]")


def test_the_fixture_month_is_the_last_complete_one():
    assert LAST_COMPLETE.isoformat() == "2026-10-01"


# --------------------------------------------------------------------------- value chain


@pytest.mark.parametrize(("lang", "objective", "legend_word"), [
    ("es", "convertir prospectos calificados en clientes rentables", "Oportunidades"),
    ("en", "turn qualified prospects into profitable customers", "Opportunities"),
])
def test_value_chain_cards_speak_the_ui_language(kpi_home, lang, objective, legend_word):
    at = open_page("cadena-de-valor", role="finance", lang=lang)
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert objective in text
    other = "turn qualified prospects" if lang == "es" else "convertir prospectos"
    assert other not in text
    # the chart's legend names record types, not their table names
    chart = at.get("plotly_chart")[0].proto.spec
    assert legend_word in chart and '"opportunities"' not in chart
