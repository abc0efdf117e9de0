"""Settings an admin changes without code: environment, then stored value, then default."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from operational_app.domain import settings
from operational_app.domain.errors import ValidationError
from operational_app.store.engine import read_session, write_session
from operational_app.store.models import AuditLog

SERIES = settings.INVOICE_SERIES


def test_default_then_stored_then_environment(any_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEITON_INVOICE_SERIES", raising=False)
    with read_session(any_url) as s:
        assert settings.value(s, SERIES) == "F"
    with write_session(any_url) as s:
        settings.set_setting(s, "admin", key="invoice_series", value="A")
    with write_session(any_url) as s:
        settings.set_setting(s, "admin", key="invoice_series", value="B")
    with read_session(any_url) as s:
        assert settings.value(s, SERIES) == "B"
        monkeypatch.setenv("SEITON_INVOICE_SERIES", "ENV")
        assert settings.value(s, SERIES) == "ENV"
        audit = [(a.action, a.before_json, a.after_json) for a in s.scalars(
            select(AuditLog).where(AuditLog.entity == "app_settings").order_by(AuditLog.id))]
    assert [a[0] for a in audit] == ["create", "update"]
    assert json.loads(audit[1][1])["value"] == "A"
    assert json.loads(audit[1][2])["value"] == "B"


def test_an_empty_value_is_refused(db_url: str) -> None:
    with pytest.raises(ValidationError) as err, write_session(db_url) as s:
        settings.set_setting(s, "admin", key="invoice_series", value="  ")
    assert err.value.fields == ["value"]
    with read_session(db_url) as s:
        assert settings.stored(s, "invoice_series") is None
