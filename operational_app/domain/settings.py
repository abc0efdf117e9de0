"""Settings an admin changes without code, kept in `app_settings` (docs/configuration.md).

A setting may also have an environment variable; when that variable is set it wins over
the stored value (the operator of the machine overrides the app), else the stored value,
else the default. Writes are audited like every other write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.fields import Checker, check_actor
from operational_app.store.models import AppSetting


@dataclass(frozen=True)
class Setting:
    key: str
    default: str | None = None
    env: str | None = None  # the environment variable that overrides it, if any
    demo: str | None = None  # the value in demo mode (SEITON_DEMO_MODE) when none is set


def demo_mode() -> bool:
    return os.environ.get("SEITON_DEMO_MODE", "").lower() in {"1", "true", "yes"}


def stored(session: Session, key: str) -> str | None:
    row = session.scalars(select(AppSetting).where(AppSetting.key == key)).first()
    return row.value if row is not None else None


def value(session: Session, setting: Setting) -> str | None:
    """Environment, then the stored value, then (in demo mode) the demo value, then the
    default."""
    if setting.env and os.environ.get(setting.env):
        return os.environ[setting.env]
    found = stored(session, setting.key)
    if found is not None:
        return found
    if setting.demo is not None and demo_mode():
        return setting.demo
    return setting.default


def set_setting(session: Session, actor: str, *, key: str, value: object) -> AppSetting:
    """Store one setting (the caller validated what the value means)."""
    actor = check_actor(actor)
    v = Checker()
    key_ = v.text("key", key, AppSetting.key, required=True)
    text = v.text("value", value, max_len=2000, required=True, multiline=True)
    v.check()
    row = session.scalars(select(AppSetting).where(AppSetting.key == key_)).first()
    if row is not None:
        return writes.update(session, actor, row, key_, value=text)
    return writes.insert(session, actor, AppSetting(key=key_, value=text), key_, "key")


# The billing run's series (docs/billing-run.md); the fiscal data of the CFDI join them.
INVOICE_SERIES = Setting("invoice_series", default="F", env="SEITON_INVOICE_SERIES")
CREDIT_NOTE_SERIES = Setting("credit_note_series", default="NC",
                             env="SEITON_CREDIT_NOTE_SERIES")

# The company's fiscal data for the CFDI (docs/cfdi.md); validated by domain/fiscal.py.
ISSUER_RFC = Setting("issuer_rfc", env="SEITON_ISSUER_RFC", demo="SIM160301K55")
ISSUER_NAME = Setting("issuer_name", env="SEITON_ISSUER_NAME",
                      demo="SEITON SERVICIOS DE IMPRESION")
ISSUER_REGIME = Setting("issuer_regime", default="601", env="SEITON_ISSUER_REGIME")
ISSUER_POSTAL_CODE = Setting("issuer_postal_code", env="SEITON_ISSUER_POSTAL_CODE",
                             demo="06600")
