"""The notice a page shows when the figures it draws leave records out for a gap in the
reference data (docs/data-issues.md): how many, of which kind, and the records themselves
one click away. The list is `marts.fct_data_issues`; a page names the marts it draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.queries import WarehouseUnavailable, df
from seiton.webapp.i18n import register, t

register({
    "di_notice": {
        "es": "Faltan datos de referencia: {n} registro(s) quedan fuera de las cifras en MXN "
              "de esta página ({kinds}). Registra lo que falta y se incluirán en la siguiente "
              "actualización.",
        "en": "Reference data is missing: {n} record(s) are left out of this page's MXN "
              "figures ({kinds}). Record what is missing and the next refresh includes them.",
    },
    "di_missing_fx_rate": {"es": "sin tipo de cambio", "en": "no exchange rate"},
    "di_missing_plan": {"es": "contrato sin plan de precios", "en": "contract without a price plan"},
    "di_list": {"es": "Ver los registros", "en": "See the records"},
    "di_c_issue": {"es": "Falta", "en": "Missing"},
    "di_c_record": {"es": "Registro", "en": "Record"},
    "di_c_contract": {"es": "Contrato", "en": "Contract"},
    "di_c_account": {"es": "Cuenta", "en": "Account"},
    "di_c_currency": {"es": "Moneda", "en": "Currency"},
    "di_c_first": {"es": "Desde", "en": "From"},
    "di_c_last": {"es": "Hasta", "en": "Through"},
})


def issues_for(*marts: str) -> pd.DataFrame:
    """The data issues whose records the given marts leave out (empty when none, or when the
    published warehouse predates the mart)."""
    try:
        found = df("select issue_type, record_type, record_key, contract_number, account_code, "
                   "currency, first_on, last_on, affects from marts.fct_data_issues "
                   "order by issue_type, first_on, record_key")
    except WarehouseUnavailable:
        return pd.DataFrame()
    except Exception:  # an older publish without the mart: nothing to say
        return pd.DataFrame()
    affected = found["affects"].map(lambda text: any(m in text for m in marts))
    return found[affected].reset_index(drop=True)


def notice(*marts: str) -> None:
    """A warning above the page's figures when records are left out of them."""
    found = issues_for(*marts)
    if found.empty:
        return
    kinds = ", ".join(f"{n} {t('di_' + k)}" for k, n in
                      found["issue_type"].value_counts().sort_index().items())
    st.warning(t("di_notice").format(n=len(found), kinds=kinds))
    with st.expander(t("di_list")):
        view = pd.DataFrame({
            t("di_c_issue"): [t("di_" + k) for k in found["issue_type"]],
            t("di_c_record"): found["record_key"],
            t("di_c_contract"): found["contract_number"].fillna(""),
            t("di_c_account"): found["account_code"].fillna(""),
            t("di_c_currency"): found["currency"].fillna(""),
            t("di_c_first"): pd.to_datetime(found["first_on"]).dt.strftime("%d/%m/%Y"),
            t("di_c_last"): pd.to_datetime(found["last_on"]).dt.strftime("%d/%m/%Y"),
        })
        st.dataframe(view, hide_index=True, use_container_width=True)
