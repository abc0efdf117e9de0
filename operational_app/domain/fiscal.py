"""Fiscal data for the CFDI (docs/cfdi.md): the formats and SAT catalogue codes every
fiscal field obeys, the company's configuration (issuer, series, product and unit keys per
line kind) and the fiscal data of an account.

The catalogues are the SAT's, as shipped with satcfdi (c_RegimenFiscal, c_UsoCFDI,
c_CodigoPostal, c_ClaveProdServ, c_ClaveUnidad): a code outside them would be refused by
the PAC, so it is refused here, at entry, with the field named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from operational_app.domain import settings as st
from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.domain.lookups import find_account
from operational_app.store.models import Account

# Mexican RFC: 3 letters (company, 12 characters) or 4 (person, 13), YYMMDD, homoclave.
RFC_RE = re.compile(r"^[A-ZÑ&]{3,4}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[A-Z0-9]{3}$")
POSTAL_RE = re.compile(r"^\d{5}$")
SERIES_RE = re.compile(r"^[A-Za-z0-9]{1,25}$")
LINE_KINDS = ("fixed_fee", "overage", "true_up", "adjustment")
DEFAULT_PRODUCT_KEY = "82121700"  # c_ClaveProdServ "Fotocopiado": a copying service
DEFAULT_UNIT_KEY = "E48"  # c_ClaveUnidad "Unidad de servicio"
DEFAULT_CFDI_USE = "G03"  # c_UsoCFDI "Gastos en general"


def product_key_setting(kind: str) -> st.Setting:
    return st.Setting(f"cfdi_product_key.{kind}", default=DEFAULT_PRODUCT_KEY)


def unit_key_setting(kind: str) -> st.Setting:
    return st.Setting(f"cfdi_unit_key.{kind}", default=DEFAULT_UNIT_KEY)


# --------------------------------------------------------------------------- catalogues


@cache
def _catalogue(name: str) -> dict[str, str]:
    from satcfdi.catalogs import select_all

    return {str(k): (v if isinstance(v, str) else str(v[0])) for k, v in
            select_all(f"C756_c_{name}").items()}


def _in_catalogue(name: str, code: str) -> bool:
    if name in ("CodigoPostal", "ClaveProdServ"):  # large: look one code up
        from satcfdi.catalogs import select

        return select(f"C756_c_{name}", code) is not None
    return code in _catalogue(name)


def regimes() -> dict[str, str]:
    """c_RegimenFiscal: code → description (for pick-lists)."""
    return dict(_catalogue("RegimenFiscal"))


def cfdi_uses() -> dict[str, str]:
    return dict(_catalogue("UsoCFDI"))


def check_rfc(v: Checker, field: str, value: Any, *, required: bool = False) -> str | None:
    rfc = v.text(field, value, max_len=13, required=required)
    if rfc is None:
        return None
    rfc = rfc.upper()
    if not RFC_RE.match(rfc):
        v.fail(field, "is not an RFC (12 characters for a company, 13 for a person: 3–4 "
                      "letters, a date YYMMDD and a 3-character homoclave)")
        return None
    return rfc


def check_postal_code(v: Checker, field: str, value: Any, *,
                      required: bool = False) -> str | None:
    code = v.text(field, value, max_len=5, required=required)
    if code is None:
        return None
    if not POSTAL_RE.match(code):
        v.fail(field, "must be a 5-digit postal code, not {code!r}", code=code)
        return None
    if not _in_catalogue("CodigoPostal", code):
        v.fail(field, "{code} is not in the SAT's postal code catalogue (c_CodigoPostal)",
               code=code)
        return None
    return code


def check_code(v: Checker, field: str, value: Any, catalogue: str, *,
               required: bool = False) -> str | None:
    """A code of one SAT catalogue (RegimenFiscal, UsoCFDI, ClaveProdServ, ClaveUnidad)."""
    code = v.text(field, value, max_len=10, required=required)
    if code is None:
        return None
    code = code.upper()
    if not _in_catalogue(catalogue, code):
        v.fail(field, "{code!r} is not a code of the SAT catalogue c_{catalogue}", code=code,
               catalogue=catalogue)
        return None
    return code


def check_regime_for_rfc(v: Checker, field: str, regime: str | None, rfc: str | None) -> None:
    """The regimes of persons (605–615, 621, 625, 626 …) and companies differ; the SAT's
    rule CFDI40158 refuses a mismatch. 616 (sin obligaciones) and 626 fit both."""
    if regime is None or rfc is None:
        return
    company_only = {"601", "603", "620", "622", "623", "624", "628", "629", "630", "609"}
    person_only = {"605", "606", "607", "608", "611", "612", "614", "615", "621", "625"}
    if len(rfc) == 12 and regime in person_only:
        v.fail(field, "régimen {regime} is for persons, but RFC {rfc} is a company's",
               regime=regime, rfc=rfc)
    elif len(rfc) == 13 and regime in company_only:
        v.fail(field, "régimen {regime} is for companies, but RFC {rfc} is a person's",
               regime=regime, rfc=rfc)


# --------------------------------------------------------------------------- the company


@dataclass(frozen=True)
class FiscalConfig:
    rfc: str | None
    name: str | None
    regime: str | None
    postal_code: str | None
    invoice_series: str | None
    credit_note_series: str | None
    product_keys: dict[str, str]
    unit_keys: dict[str, str]

    def missing(self) -> list[str]:
        """What the CFDI needs and is not configured (environment, admin page or demo)."""
        need = {"issuer_rfc": self.rfc, "issuer_name": self.name,
                "issuer_regime": self.regime, "issuer_postal_code": self.postal_code}
        return [k for k, val in need.items() if not val]


def fiscal_config(session: Session) -> FiscalConfig:
    return FiscalConfig(
        rfc=st.value(session, st.ISSUER_RFC),
        name=st.value(session, st.ISSUER_NAME),
        regime=st.value(session, st.ISSUER_REGIME),
        postal_code=st.value(session, st.ISSUER_POSTAL_CODE),
        invoice_series=st.value(session, st.INVOICE_SERIES),
        credit_note_series=st.value(session, st.CREDIT_NOTE_SERIES),
        product_keys={k: st.value(session, product_key_setting(k)) for k in LINE_KINDS},
        unit_keys={k: st.value(session, unit_key_setting(k)) for k in LINE_KINDS},
    )


def set_fiscal_config(session: Session, actor: str, **values: Any) -> FiscalConfig:
    """Store the given fiscal settings (keys: issuer_rfc, issuer_name, issuer_regime,
    issuer_postal_code, invoice_series, credit_note_series, product_key.<kind>,
    unit_key.<kind>). All are checked before any is written; unchanged ones are skipped."""
    actor = check_actor(actor)
    v = Checker()
    checked: dict[st.Setting, str | None] = {}
    for key, raw in values.items():
        if key == "issuer_rfc":
            checked[st.ISSUER_RFC] = check_rfc(v, key, raw, required=True)
        elif key == "issuer_name":
            name = v.text(key, raw, max_len=300, required=True)
            checked[st.ISSUER_NAME] = name.upper() if name else None
        elif key == "issuer_regime":
            checked[st.ISSUER_REGIME] = check_code(v, key, raw, "RegimenFiscal", required=True)
        elif key == "issuer_postal_code":
            checked[st.ISSUER_POSTAL_CODE] = check_postal_code(v, key, raw, required=True)
        elif key in ("invoice_series", "credit_note_series"):
            series = v.text(key, raw, max_len=25, required=True)
            if series is not None and not SERIES_RE.match(series):
                v.fail(key, "must be 1–25 letters or digits")
            checked[st.INVOICE_SERIES if key == "invoice_series" else st.CREDIT_NOTE_SERIES] = \
                series
        elif key.startswith(("product_key.", "unit_key.")):
            kind = key.split(".", 1)[1]
            if kind not in LINE_KINDS:
                v.fail(key, "unknown line kind {kind!r} (one of {kinds})", kind=kind,
                       kinds=', '.join(LINE_KINDS))
                continue
            if key.startswith("product_key."):
                checked[product_key_setting(kind)] = check_code(v, key, raw, "ClaveProdServ",
                                                                required=True)
            else:
                checked[unit_key_setting(kind)] = check_code(v, key, raw, "ClaveUnidad",
                                                             required=True)
        else:
            v.fail(key, "is not a fiscal setting")
    if st.ISSUER_RFC in checked and st.ISSUER_REGIME in checked:
        check_regime_for_rfc(v, "issuer_regime", checked[st.ISSUER_REGIME],
                             checked[st.ISSUER_RFC])
    v.check()
    for setting, text in checked.items():
        if text is not None and st.stored(session, setting.key) != text:
            st.set_setting(session, actor, key=setting.key, value=text)
    return fiscal_config(session)


# --------------------------------------------------------------------------- accounts


def check_account_fiscal(v: Checker, rfc: str | None, postal_code: Any, regime: Any,
                         cfdi_use: Any) -> tuple[str | None, str | None, str | None]:
    """An account's Receptor data: each optional, each a valid code when given."""
    postal = check_postal_code(v, "fiscal_postal_code", postal_code)
    regime_ = check_code(v, "fiscal_regime", regime, "RegimenFiscal")
    use = check_code(v, "cfdi_use", cfdi_use, "UsoCFDI")
    check_regime_for_rfc(v, "fiscal_regime", regime_, rfc)
    return postal, regime_, use


def set_account_fiscal_data(session: Session, actor: str, *, account_code: Any,
                            fiscal_postal_code: Any = None, fiscal_regime: Any = None,
                            cfdi_use: Any = None) -> Account:
    """Give an existing account its Receptor data (an account is not a financial record)."""
    actor = check_actor(actor)
    v = Checker()
    code = v.text("account_code", account_code, Account.account_code, required=True)
    account = v.known("account_code", code, find_account(session, code, lock=True), "account")
    postal, regime, use = check_account_fiscal(
        v, account.tax_id if account is not None else None, fiscal_postal_code,
        fiscal_regime, cfdi_use)
    v.check()
    return writes.update(session, actor, account, code, fiscal_postal_code=postal,
                         fiscal_regime=regime, cfdi_use=use)
