"""The data dictionary publish writes (seiton/warehouse/dictionary.py): meta.relations and
meta.columns describe exactly what was published, with the manifest's descriptions, the
real column types, lineage and value-chain stages."""

from __future__ import annotations

import duckdb

from seiton.warehouse.dictionary import _ManifestIndex

from .synthetic import MART_TABLES, make_home


def _rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_published_relation_is_listed(warehouse):
    listed = {r[0] for r in _rows(warehouse["published"], "select name from meta.relations")}
    assert listed == MART_TABLES | {"ar_aging"}  # raw and seeds are not published


def test_descriptions_types_and_counts(warehouse):
    (desc, kind, rows, contract), = _rows(
        warehouse["published"],
        "select description, kind, row_count, contract_enforced from meta.relations "
        "where relation = 'marts.fct_billing_charges'")
    assert desc.startswith("What each contract owes") and kind == "table"
    assert rows == 3 and contract is True
    cols = _rows(warehouse["published"],
                 "select column_name, data_type, description from meta.columns "
                 "where relation = 'marts.fct_billing_charges' order by ordinal_position")
    assert cols[0] == ("contract_number", "VARCHAR", "Contract number.")
    assert ("total", "DECIMAL(18,2)", "Subtotal + tax.") in cols
    assert ("note", "VARCHAR", None) in cols  # undocumented in the manifest: listed, no text


def test_lineage_and_stages(warehouse):
    got = {r[0]: r[1:] for r in _rows(
        warehouse["published"], "select name, stages, depends_on, sources from meta.relations")}
    stages, parents, sources = got["fct_billing_charges"]
    assert stages == ["formalization", "billing"]  # chain order, from the seed
    assert parents == ["staging.stg_operational__contracts", "staging.stg_operational__meter_readings"]
    assert sources == ["contracts", "meter_readings"]
    stages, parents, sources = got["kpi_monthly"]  # transitively, through two marts
    assert parents == ["marts.fct_billing_charges", "marts.fct_invoices"]
    assert sources == ["contracts", "invoices", "meter_readings"]
    assert stages == ["formalization", "billing"]
    assert got["dim_stage"][0] == []


def test_table_macro_is_described_through_the_model_that_creates_it(warehouse):
    (kind, params, desc, stages), = _rows(
        warehouse["published"],
        "select kind, parameters, description, stages from meta.relations where name = 'ar_aging'")
    assert (kind, params) == ("table_macro", "as_of")
    assert "fct_invoices" in desc and stages == ["billing"]
    cols = _rows(warehouse["published"], "select column_name, data_type, description "
                 "from meta.columns where relation = 'marts.ar_aging' order by ordinal_position")
    assert [c[0] for c in cols] == ["invoice_number", "account_code", "due_on", "open_amount",
                                    "days_past_due", "bucket", "bucket_order"]
    assert cols[0][2] == "Invoice number."  # from the creating model's YAML


def test_without_a_manifest_the_tables_are_still_listed(tmp_path):
    paths = make_home(tmp_path / "home", with_manifest=False)
    rows = _rows(paths["published"], "select name, description from meta.relations order by name")
    assert {r[0] for r in rows} == MART_TABLES | {"ar_aging"}
    assert all(r[1] is None for r in rows if r[0] != "ar_aging")
    assert _rows(paths["published"], "select count(*) from meta.columns")[0][0] > 20


def test_a_corrupt_manifest_does_not_fail_the_publish(tmp_path):
    from seiton.warehouse.publish import publish

    paths = make_home(tmp_path / "home")
    paths["manifest"].write_text("{not json")
    publish(paths["build"], paths["published"], manifest=paths["manifest"])
    assert _rows(paths["published"], "select count(*) from meta.relations")[0][0] == 6


def test_a_model_can_declare_its_stage():
    node = {"config": {"meta": {"stage": "renewal"}}}
    assert _ManifestIndex.stages(node, ["invoices"], {"invoices": "billing"}) == ["renewal"]
    node = {"meta": {"stages": ["sales", "billing"]}}
    assert _ManifestIndex.stages(node, [], {}) == ["sales", "billing"]
