"""The finance pages (Cargos, Conciliación) on the small demo, through the real app with
AppTest: what they show equals the published marts to the cent, the calculation adds up,
the reconciliation filters and counts match the mart, the URL carries the view, and only
finance, directors and admin can open them."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from .conftest import mart, open_page, rerun, table

pytestmark = [pytest.mark.e2e]

CHARGE_COLUMNS = [  # mart column → the charges table's label
    ("fixed_fee_amount", "Cuota fija"), ("overage_mono_amount", "Excedente mono"),
    ("overage_color_amount", "Excedente color"), ("minimum_true_up_amount", "Ajuste a mínimo"),
    ("subtotal", "Subtotal"), ("tax_amount", "Impuesto"), ("total", "Total"),
    ("total_mxn", "Total MXN"),
]
PAGE_COLUMNS = [("mono_pages", "Páginas mono"), ("included_mono_pages", "Mono incluidas"),
                ("overage_mono_pages", "Excedente mono (págs.)"), ("color_pages", "Páginas color"),
                ("included_color_pages", "Color incluidas"),
                ("overage_color_pages", "Excedente color (págs.)")]


def cents(value) -> str:
    """A money cell as shown (AppTest hands DECIMAL back as float) in exact 2-decimal text."""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def interesting_charge(home) -> tuple[str, str]:
    """A closed period's charge with a minimum true-up and overage if the demo has one."""
    contract, period = mart(home, """
        select contract_number, period_start::varchar from marts.fct_billing_charges
        where is_period_closed
        order by minimum_true_up_amount > 0 desc,
                 overage_mono_amount + overage_color_amount > 0 desc,
                 has_estimated_reads desc, period_start desc, contract_number
        limit 1""")[0]
    return contract, period


def test_charges_table_equals_the_mart_to_the_cent(home) -> None:
    contract, period = interesting_charge(home)
    names = [c for c, _ in CHARGE_COLUMNS + PAGE_COLUMNS]
    row = dict(zip(names, mart(home, f"select {', '.join(names)} from marts.fct_billing_charges "  # noqa: S608
                                     "where contract_number = ? and period_start = ?::date",
                               [contract, period])[0], strict=True))
    at = open_page("cargos", period=period, contract=contract)
    charges = table(at, "Contrato", containing="Cuota fija")
    assert charges["Contrato"].tolist() == [contract]
    shown = charges.iloc[0]
    for column, label in CHARGE_COLUMNS:
        assert cents(shown[label]) == str(row[column]), column
    for column, label in PAGE_COLUMNS:
        assert int(shown[label]) == row[column], column
    assert at.query_params["period"] == period and at.query_params["contract"] == contract


def test_period_totals_equal_the_mart(home) -> None:
    _, period = interesting_charge(home)
    count, total_mxn = mart(home, "select count(*), sum(total_mxn)::varchar from marts.fct_billing_charges "
                                  "where period_start = ?::date", [period])[0]
    at = open_page("cargos", period=period)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cargos"] == f"{count:,}"
    assert metrics["Total (MXN)"] == f"${Decimal(total_mxn):,.2f}"
    assert len(table(at, "Contrato", containing="Cuota fija")) == count


def test_the_calculation_adds_up_and_lists_the_devices(home) -> None:
    contract, period = interesting_charge(home)
    subtotal, total, mono_pages, devices = mart(home, """
        select subtotal::varchar, total::varchar, mono_pages, device_count
        from marts.fct_billing_charges where contract_number = ? and period_start = ?::date""",
        [contract, period])[0]
    at = open_page("cargos", period=period, contract=contract)
    assert at.selectbox(key="chg_w_detail").value == contract
    lines = table(at, "Concepto")
    amount = {c: Decimal(cents(v)) for c, v in zip(lines["Concepto"], lines["Importe"], strict=True)
              if v == v}  # noqa: PLR0124 - NaN (no amount) is skipped
    parts = (amount["Cuota fija prorrateada"] + amount["Excedente mono"] + amount["Excedente color"]
             + amount["Ajuste a cargo mínimo"])
    assert amount["Subtotal"] == parts == Decimal(subtotal)
    assert amount["Total"] == amount["Subtotal"] + amount["Impuesto"] == Decimal(total)

    usage = table(at, "Serie")
    assert len(usage) == devices
    # the charge bills the devices' pages less the test copies credited (docs/meter-readings.md)
    assert int(usage["Mono facturable"].sum()) == mono_pages
    assert (usage["Mono facturable"] == usage["Páginas mono"] - usage["Prueba mono"]).all()
    assert set(usage["Lectura"]) <= {"Real", "Estimada"}
    assert (usage["Mono final"] >= usage["Mono inicial"]).all()


def test_reconciliation_filters_by_status_and_counts_match_the_mart(home) -> None:
    counts = dict(mart(home, "select status, count(*) from marts.fct_invoice_reconciliation group by 1"))
    at = open_page("conciliacion")
    metrics = {m.label: m.value for m in at.metric}
    labels = {"matched": "Conciliado", "under_billed": "Facturado de menos",
              "over_billed": "Facturado de más", "not_invoiced": "Sin facturar",
              "invoice_without_charge": "Factura sin cargo"}
    for status, label in labels.items():
        assert metrics[label] == f"{counts.get(status, 0):,}", status
    # default: everything except matched
    cases = table(at, "Estado", containing="Contrato")
    assert "Conciliado" not in set(cases["Estado"])
    assert len(cases) == sum(n for s, n in counts.items() if s != "matched")

    at.multiselect(key="rec_w_status").set_value(["under_billed", "over_billed"])
    rerun(at)
    cases = table(at, "Estado", containing="Contrato")
    assert set(cases["Estado"]) <= {"Facturado de menos", "Facturado de más"}
    assert len(cases) == counts.get("under_billed", 0) + counts.get("over_billed", 0)
    assert at.query_params["status"] == "under_billed,over_billed"
    summary = table(at, "Estado", containing="Casos")
    assert int(summary["Casos"].sum()) == len(cases)


def test_reconciliation_drill_down_shows_the_invoices_and_the_charge(home) -> None:
    contract, period, numbers, invoiced, credited, expected = mart(home, """
        select contract_number, period_start::varchar, invoice_numbers,
               invoiced_subtotal::varchar, credited_subtotal::varchar, expected_subtotal::varchar
        from marts.fct_invoice_reconciliation
        where has_invoice and has_charge and status <> 'matched'
        order by credit_note_count desc, period_start desc, contract_number limit 1""")[0]
    at = open_page("conciliacion", status="under_billed,over_billed",
                   case=f"{contract}|{period}")
    assert at.selectbox(key="rec_w_case").value == f"{contract}|{period}"
    invoices = table(at, "Factura", containing="Subtotal")
    assert sorted(invoices["Factura"]) == sorted(n.strip() for n in numbers.split(","))
    net = sum(Decimal(cents(v)) for v in invoices["Subtotal"]) - Decimal(credited)
    assert net == Decimal(invoiced)
    lines = table(at, "Concepto")  # the charge's calculation, inline
    subtotal = lines.loc[lines["Concepto"] == "Subtotal", "Importe"].iloc[0]
    assert cents(subtotal) == expected
    assert at.query_params["case"] == f"{contract}|{period}"


def test_only_finance_directors_and_admin_open_the_finance_pages(home) -> None:
    from seiton.webapp.registry import can_open, page_by_key

    for key in ("cargos", "conciliacion"):
        spec = page_by_key(key)
        assert spec.kind == "finance" and spec.section == "section_finance"
        allowed = {role for role in ("finance", "director", "admin", "analyst", "operator")
                   if can_open(role, "comercial", spec)}
        assert allowed == {"finance", "director", "admin"}

    for key, title in (("cargos", "Cargos"), ("conciliacion", "Conciliación")):
        operator = open_page(key, role="operator", area="comercial")
        assert not [t for t in operator.title if t.value == title]
        director = open_page(key, role="director")
        assert [t for t in director.title if t.value == title]
        assert not director.error


def test_the_plan_shown_is_the_one_the_charge_used(home) -> None:
    """The charges page looks the plan up with dim_price_plan's in-force columns (one rule,
    macros/price_plans.sql): for every charge it finds exactly the version the charge was
    computed on, including periods before a contract's first plan version."""
    from dashboards.pages.billing_charges import PLAN_SQL

    charges = mart(home, "select contract_number, period_start, plan_effective_from "
                         "from marts.fct_billing_charges order by 1, 2")
    assert len(charges) > 100
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        for contract, period, used in charges:
            found = con.execute(PLAN_SQL, [contract, period, period]).fetchall()
            assert [row[-1] for row in found] == [used], (contract, period)
