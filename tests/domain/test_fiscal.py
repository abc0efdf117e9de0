"""Fiscal fields (docs/cfdi.md, "Configuration"): RFC, postal code and SAT catalogue codes
are validated in the domain layer for the company's configuration and for accounts, and a
refused write leaves nothing behind; the environment wins over stored settings."""

from __future__ import annotations

import pytest

from operational_app.domain import fiscal, sales
from operational_app.domain import settings as st

from .conftest import refused


def test_account_fiscal_fields_are_checked_against_the_catalogues(session, mk) -> None:
    account = mk.account(tax_id="ACE010203AB1", fiscal_postal_code="06600",
                         fiscal_regime="601", cfdi_use="g03")
    assert (account.fiscal_postal_code, account.fiscal_regime, account.cfdi_use) == (
        "06600", "601", "G03")
    base = {"account_code": "A9", "name": "X", "tax_rate": "0.16", "tax_id": "ACE010203AB1"}
    refused(session, sales.create_account, "fiscal_postal_code", "5-digit",
            **base, fiscal_postal_code="6600")
    refused(session, sales.create_account, "fiscal_regime", "c_RegimenFiscal",
            **base, fiscal_regime="999")
    refused(session, sales.create_account, "cfdi_use", "c_UsoCFDI", **base, cfdi_use="Z99")
    refused(session, sales.create_account, "fiscal_regime", "for persons",
            **base, fiscal_regime="612")


def test_fiscal_config_is_validated_and_stored(session, monkeypatch) -> None:
    refused(session, fiscal.set_fiscal_config, "issuer_rfc", "not an RFC",
            issuer_rfc="SIM161301K55")
    refused(session, fiscal.set_fiscal_config, "product_key.overage", "c_ClaveProdServ",
            **{"product_key.overage": "00000000"})
    config = fiscal.set_fiscal_config(session, "admin", issuer_rfc="sim160301k55",
                                      issuer_name="Seiton", issuer_postal_code="06600",
                                      **{"unit_key.overage": "H87"})
    assert (config.rfc, config.name, config.unit_keys["overage"]) == (
        "SIM160301K55", "SEITON", "H87")
    assert config.missing() == []
    monkeypatch.setenv("SEITON_ISSUER_RFC", "ENV010101AB1")
    assert fiscal.fiscal_config(session).rfc == "ENV010101AB1"


def test_demo_mode_has_demo_fiscal_data(session, monkeypatch) -> None:
    assert fiscal.fiscal_config(session).missing() == [
        "issuer_rfc", "issuer_name", "issuer_postal_code"]
    monkeypatch.setenv("SEITON_DEMO_MODE", "1")
    assert fiscal.fiscal_config(session).missing() == []
    assert st.value(session, st.ISSUER_POSTAL_CODE) == "06600"


@pytest.mark.parametrize("rfc", ["SIM160301K55", "GOMA800101AB1"])
def test_rfc_pattern_accepts_companies_and_persons(rfc: str) -> None:
    assert fiscal.RFC_RE.match(rfc)
