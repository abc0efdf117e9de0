"""What the entry pages promise beyond one form: financial documents are never editable, the
UI speaks Spanish by default and English on the switch, user text never becomes markup, and
the tables show what was just written."""

from __future__ import annotations

from .app_helpers import goto, login, success_text
from .form_cases import d, fill, submit

FINANCIAL_PAGES = {
    # page → the only forms it offers: new documents and reversing documents, no edits
    "facturacion-facturas": {"factura", "nota-credito", "tipo-cambio"},
    "facturacion-pagos": {"pago", "aplicacion", "reverso"},
    "facturacion-cobranza": {"cobranza"},
}


def _forms(at) -> set[str]:
    return {w.key.removesuffix("-submit") for w in at.button
            if (w.key or "").endswith("-submit")}


def test_financial_documents_offer_no_edit_or_delete(app_home):
    at = login("admin")
    for page, forms in FINANCIAL_PAGES.items():
        goto(at, page)
        assert _forms(at) == forms, page
        labels = " ".join(b.label.lower() for b in at.button)
        for word in ("editar", "borrar", "eliminar", "edit", "delete"):
            assert word not in labels, (page, word)
        if page != "facturacion-cobranza":
            assert any("notas de crédito y reversos" in c.value for c in at.caption), page


def test_english_switch(app_home):
    at = login("comercial")
    goto(at, "ventas-cuentas")
    assert at.title[0].value == "Cuentas (clientes y prospectos)"
    at.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Accounts (customers and prospects)"
    assert at.text_input(key="cuenta-tax_rate").label.startswith("Tax rate")
    fill(at, "cuenta", {"account_code": "EN-1", "name": "English Co", "tax_rate": "16"})
    submit(at, "cuenta")
    shown = at.error[0].value.replace("\\", "")
    assert shown.startswith("Nothing was saved")
    assert "**Tax rate (0.16 = 16 %)**:" in shown


def test_keys_with_markdown_characters_show_literally(app_home):
    at = login("comercial")
    goto(at, "ventas-cuentas")
    fill(at, "cuenta", {"account_code": "A_*B*[x](y)", "name": "Raro", "tax_rate": "0.16"})
    submit(at, "cuenta")
    raw = success_text(at)
    assert r"A\_\*B\*\[x\]\(y\)" in raw, raw
    table = at.dataframe[0].value
    assert "A_*B*[x](y)" in set(table.iloc[:, 0])


def test_table_shows_the_new_record_at_once(app_home):
    at = login("operacion")
    goto(at, "facturacion-lecturas")
    fill(at, "lectura", {"serial": "SN-001", "read_on": d("2025-03-01"),
                         "mono_counter": "2600", "color_counter": "950"})
    submit(at, "lectura")
    table = at.dataframe[0].value
    assert int(table.iloc[0]["Contador mono"]) == 2600
    assert table.iloc[0]["Registró"] == "operacion"


def test_pick_lists_follow_writes(app_home):
    """A device installed on one page is in the next page's pick-list at once (the cached
    lists are cleared by every write)."""
    at = login("admin")
    goto(at, "facturacion-lecturas")
    assert "SN-077" not in at.selectbox(key="lectura-serial").options[0]
    goto(at, "implementacion-equipos")
    fill(at, "instalacion", {"serial": "SN-077", "contract_number": "C-001",
                             "installed_on": d("2025-02-01"), "install_mono_counter": "0",
                             "install_color_counter": "0"})
    submit(at, "instalacion")
    goto(at, "facturacion-lecturas")
    assert any(o.startswith("SN-077") for o in at.selectbox(key="lectura-serial").options)


def test_apply_payment_shows_open_amounts(app_home):
    at = login("finance")
    goto(at, "facturacion-pagos")
    at.selectbox(key="aplicar-pago").set_value("P-001").run()
    info = at.info[0].value.replace("\\", "")
    assert "ACME-001" in info and "500.00" in info
    open_table = next(df.value for df in at.dataframe if "Saldo abierto" in df.value.columns)
    assert str(open_table.iloc[0]["Saldo abierto"]) == "$1,160.00"  # docs/conventions.md "Display formats"
    assert at.selectbox(key="aplicacion-invoice_number").options == ["F-001 · 1,160.00 MXN"]
