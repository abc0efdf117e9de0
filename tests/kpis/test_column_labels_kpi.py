"""The KPI pages keep the marts' column names in their frames (tests read them) and put the
labels of the marts' YAML in the tables' column config (dashboards/columns.py), in Spanish
and in English. kpi_home's hand-built warehouse has no data dictionary: the labels then come
from the YAML itself."""

from __future__ import annotations

import json

import pytest

from seiton.warehouse.dictionary import yaml_column_labels

from .conftest import open_page


def config(frame) -> dict[str, dict]:
    return json.loads(frame.proto.columns or "{}")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lead_to_cash_deals_are_labelled_from_the_yaml(kpi_home, lang):
    labels = yaml_column_labels()["fct_lead_to_cash"]
    at = open_page("prospecto-a-cobro", query={"from": "2026-06", "to": "2026-10"}, lang=lang)
    assert not at.exception, at.exception
    cohorts, deals = at.dataframe[0], at.dataframe[1]
    shown = config(deals)
    for column in deals.value.columns:
        es, en, _ = labels[column]
        assert shown[column]["label"] == (es if lang == "es" else en), column
    assert shown["opportunity_code"]["label"] == {"es": "Oportunidad", "en": "Opportunity"}[lang]
    assert shown["days_to_activation"]["help"] == {"es": "Días", "en": "Days"}[lang]
    for money in ("proposal_price_mxn", "invoiced_total_mxn", "collected_mxn"):  # DECIMAL
        assert shown[money]["type_config"]["format"] == "accounting", money
    # the cohorts' medians and sums are the page's own columns, labelled by the page
    own = config(cohorts)
    assert own["won"]["label"] == {"es": "Ganadas", "en": "Won"}[lang]
    assert own["invoiced_mxn"]["type_config"]["format"] == "accounting"


def test_stage_detail_records_are_labelled_from_the_yaml(kpi_home):
    at = open_page("detalle-de-etapa", query={"stage": "sales", "kpi": "win_rate", "month": "2026-10"})
    assert not at.exception, at.exception
    shown = config(at.dataframe[0])
    assert list(at.dataframe[0].value.columns)[:2] == ["record_type", "record_key"]
    assert shown["record_key"]["label"] == "Registro"
    assert shown["numerator"]["label"] == "Aporta al numerador"
    assert shown["record_date"]["type_config"]["format"] == "DD/MM/YYYY"
