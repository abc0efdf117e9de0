"""A tiny published warehouse for the analysts' tests, written by the tests themselves: a
build file with schema marts (tables and the table macro ar_aging), a raw schema and the
seed transaction_types, a dbt-like manifest describing it, then the real `publish`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb

BUILD_SQL = """
create schema raw;
create table raw.contracts as select 'CON-000001' as contract_number, 'secret raw row' as note;
create schema seeds;
create table seeds.transaction_types as select * from (values
    ('accounts', 'sales'), ('contracts', 'formalization'), ('meter_readings', 'billing'),
    ('invoices', 'billing')) as t(transaction_type, stage_code);
create schema marts;
create table marts.dim_stage as select * from (values
    (1, 'sales', 'Atracción y venta', 'Sales', 'Win customers', 'Ganar clientes', 'Signed deals', 'Tratos firmados', 'Comercial'),
    (2, 'formalization', 'Formalización', 'Formalization', 'Contracts', 'Contratos', 'Active contracts', 'Contratos activos', 'Administración'),
    (3, 'implementation', 'Implementación', 'Implementation', 'Install', 'Instalar', 'Installed devices', 'Equipos instalados', 'Operación'),
    (4, 'operation', 'Operación y soporte', 'Operation', 'Support', 'Soporte', 'Uptime', 'Disponibilidad', 'Operación'),
    (5, 'billing', 'Medición, facturación y cobranza', 'Billing', 'Bill and collect', 'Facturar y cobrar', 'Cash', 'Efectivo', 'Finanzas'),
    (6, 'renewal', 'Renovación', 'Renewal', 'Renew', 'Renovar', 'Renewals', 'Renovaciones', 'Comercial'))
    as t(stage_id, stage_code, name_es, name_en, objective, objective_es, key_output, key_output_es,
         areas);
create table marts.agg_stage_records as select * from (values
    ('billing', 'invoices', 'Facturas', 'Invoices', 3::bigint),
    ('formalization', 'contracts', 'Contratos', 'Contracts', 2::bigint))
    as t(stage_code, transaction_type, transaction_type_name_es, transaction_type_name_en, records);
create table marts.fct_billing_charges (
    contract_number varchar not null, period_start date not null,
    subtotal decimal(18, 2), tax_amount decimal(18, 2), total decimal(18, 2),
    currency varchar, note varchar);
insert into marts.fct_billing_charges values
    ('CON-000001', date '2026-01-01', 1000.00, 160.00, 1160.00, 'MXN', 'ok'),
    ('CON-000001', date '2026-02-01', 1200.50, 192.08, 1392.58, 'MXN', '=HYPERLINK("http://x")'),
    ('CON-000002', date '2026-01-01', 500.00, 80.00, 580.00, 'USD', '+1+1');
create table marts.fct_invoices (
    invoice_number varchar, account_code varchar, due_on date, total decimal(18, 2));
insert into marts.fct_invoices values
    ('F-1', 'ACME', date '2026-01-31', 1160.00), ('F-2', 'ACME', date '2026-03-03', 1392.58),
    ('F-3', 'BETA', date '2026-05-01', 580.00);
create table marts.kpi_monthly as select * from (values
    ('billing', 'dso', date '2026-01-01', 41.5::decimal(18, 4), 45.0::decimal(18, 4), 'green'),
    ('billing', 'dso', date '2026-02-01', 47.0::decimal(18, 4), 45.0::decimal(18, 4), 'amber'))
    as t(stage_code, kpi_code, month, value, target, status);
create macro marts.ar_aging(as_of) as table
    select invoice_number, account_code, due_on, total as open_amount,
           cast(as_of as date) - due_on as days_past_due,
           case when cast(as_of as date) - due_on <= 0 then 'current'
                when cast(as_of as date) - due_on <= 30 then '1-30' else '31+' end as bucket,
           case when cast(as_of as date) - due_on <= 0 then 0
                when cast(as_of as date) - due_on <= 30 then 1 else 2 end as bucket_order
    from marts.fct_invoices
    where due_on - 60 <= cast(as_of as date);
"""

MART_TABLES = {"dim_stage", "agg_stage_records", "fct_billing_charges", "fct_invoices", "kpi_monthly"}


def _model(name: str, description: str, columns: dict[str, str], parents: list[str],
           schema: str = "marts", **extra) -> dict:
    node = {
        "unique_id": f"model.seiton.{name}", "resource_type": "model", "name": name,
        "alias": name, "schema": schema, "description": description,
        "original_file_path": f"models/{schema}/{name}.sql",
        "columns": {c: {"name": c, "description": d} for c, d in columns.items()},
        "config": {"schema": schema, "contract": {"enforced": schema == "marts"},
                   "post-hook": [], "meta": {}},
        "depends_on": {"nodes": parents, "macros": []}, "meta": {},
    }
    for key, value in extra.items():
        if key == "post_hook":
            node["config"]["post-hook"] = [{"sql": value}]
        elif key == "macros":
            node["depends_on"]["macros"] = value
        else:
            node[key] = value
    return node


def _source(table: str) -> dict:
    return {"unique_id": f"source.seiton.operational.{table}", "resource_type": "source",
            "name": table, "identifier": table, "schema": "raw", "source_name": "operational"}


def manifest() -> dict:
    stg = {t: _model(f"stg_operational__{t}", f"Staged {t}.", {}, [f"source.seiton.operational.{t}"],
                     schema="staging")
           for t in ("contracts", "meter_readings", "invoices")}
    marts = [
        _model("dim_stage", "The six stages of the value chain.",
               {"stage_id": "Stage number, 1–6.", "stage_code": "Stage code.",
                "name_es": "Name, Spanish.", "name_en": "Name, English.",
                "objective": "What it is for.", "key_output": "Key output.",
                "areas": "Responsible areas."}, ["seed.seiton.transaction_types"]),
        _model("fct_billing_charges", "What each contract owes per period (IVA included).",
               {"contract_number": "Contract number.", "period_start": "First day of the period.",
                "subtotal": "Before tax.", "tax_amount": "IVA.", "total": "Subtotal + tax.",
                "currency": "Contract currency."},  # note: left undocumented on purpose
               ["model.seiton.stg_operational__contracts",
                "model.seiton.stg_operational__meter_readings"]),
        _model("fct_invoices", "Invoices with their due dates.",
               {"invoice_number": "Invoice number.", "account_code": "Account code.",
                "due_on": "Due date.", "total": "Invoice total."},
               ["model.seiton.stg_operational__invoices"],
               post_hook="{{ create_ar_aging_macro() }}",
               macros=["macro.seiton.create_ar_aging_macro", "macro.seiton.ar_aging_sql"]),
        _model("kpi_monthly", "KPI values per stage and month.",
               {"stage_code": "Stage code.", "kpi_code": "KPI code.", "month": "Month.",
                "value": "Value.", "target": "Target.", "status": "green / amber / red."},
               ["model.seiton.fct_billing_charges", "model.seiton.fct_invoices"]),
    ]
    nodes = {n["unique_id"]: n for n in [*stg.values(), *marts]}
    nodes["seed.seiton.transaction_types"] = {
        "unique_id": "seed.seiton.transaction_types", "resource_type": "seed",
        "name": "transaction_types", "alias": "transaction_types", "schema": "seeds",
        "columns": {}, "config": {}, "depends_on": {"nodes": []}, "description": "",
    }
    sources = {s["unique_id"]: s for s in map(_source, ("contracts", "meter_readings", "invoices"))}
    return {
        "metadata": {"send_anonymous_usage_stats": False},
        "nodes": nodes, "sources": sources, "docs": {},
        "macros": {"macro.seiton.create_ar_aging_macro": {"name": "create_ar_aging_macro",
                                                           "description": ""}},
    }


def make_home(home: Path, *, with_manifest: bool = True) -> dict[str, Path]:
    """SEITON_HOME with a build, its manifest, the published copy and an operational SQLite
    DB holding a secret; returns the paths."""
    from seiton.warehouse.publish import publish

    home.mkdir(parents=True, exist_ok=True)
    build = home / "warehouse.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute(BUILD_SQL)
    target = home / "dbt_target"
    target.mkdir(exist_ok=True)
    manifest_path = target / "manifest.json"
    if with_manifest:
        manifest_path.write_text(json.dumps(manifest()))
    published = home / "warehouse.published.duckdb"
    publish(build, published, {"test": True}, manifest=manifest_path)
    operational = home / "operational.db"
    with sqlite3.connect(operational) as db:
        db.execute("create table users (username text, password_hash text)")
        db.execute("insert into users values ('admin', 'argon2-secret-hash')")
    return {"home": home, "build": build, "published": published, "operational": operational,
            "manifest": manifest_path}
