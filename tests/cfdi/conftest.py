"""Fixtures for the CFDI tests: a migrated store holding one account with its fiscal data,
an active contract, the company's fiscal configuration, and helpers to export, stamp (with
the simulated PAC) and import."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from operational_app.cfdi import export, pac
from operational_app.csv_import import import_dir
from operational_app.csv_import.report import ImportReport
from operational_app.domain import fields, fiscal
from operational_app.store.engine import get_engine, read_session, write_session
from operational_app.store.migrate import upgrade
from tests.domain.conftest import Builder, fingerprint

ISSUER_RFC = "SIM160301K55"
CUSTOMER_RFC = "ACE010203AB1"
SEED = 11


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "today", lambda: date(2026, 6, 30))
    for var in ("SEITON_ISSUER_RFC", "SEITON_ISSUER_NAME", "SEITON_ISSUER_REGIME",
                "SEITON_ISSUER_POSTAL_CODE", "SEITON_DEMO_MODE", "SEITON_INVOICE_SERIES"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'operational.db'}"
    upgrade(url)
    with write_session(url) as s:
        b = Builder(s)
        b.account(tax_id=CUSTOMER_RFC, fiscal_postal_code="06600", fiscal_regime="601")
        b.active_contract()
        b.device()
        fiscal.set_fiscal_config(s, "admin", issuer_rfc=ISSUER_RFC,
                                 issuer_name="Seiton Servicios de Impresion",
                                 issuer_postal_code="06600", issuer_regime="601")
    yield url
    for write in (True, False):
        get_engine(url, write=write).dispose()


def exported(url: str, period: date = date(2026, 2, 1)) -> export.ExportReport:
    with read_session(url) as s:
        return export.build_period(s, period)


def stamp_all(report: export.ExportReport, folder: Path,
              stamped_at: datetime = datetime(2026, 3, 2, 10, 0)) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, xml in report.files.items():
        out[name] = pac.stamp(xml, seed=SEED, stamped_at=stamped_at)
        (folder / name).write_bytes(out[name])
    return out


def import_folder(url: str, folder: Path) -> ImportReport:
    return import_dir(folder, url=url)


def state(url: str) -> dict:
    with read_session(url) as s:
        return fingerprint(s)


def session_of(url: str) -> Session:
    return write_session(url)
