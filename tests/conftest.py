"""Shared fixtures: an isolated SEITON_HOME per test, and PostgreSQL databases made on demand."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("SEITON_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# The CLI speaks Spanish by default (docs/conventions.md "Messages"); the tests read its English
# one-liners, in process and in the subprocesses that inherit this environment. The tests of
# the Spanish default unset it (tests/domain/test_messages.py).
os.environ["SEITON_LANG"] = "en"


def pytest_collection_finish(session: pytest.Session) -> None:
    from tests.shared_homes import prebuild

    prebuild(session)


def point_seiton_at(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fixture body: SEITON_HOME is `home` with its default embedded stores, the cached
    engines disposed before and after (`yield from point_seiton_at(...)`)."""
    from operational_app.store.engine import dispose_engines

    monkeypatch.setenv("SEITON_HOME", str(home))
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    dispose_engines()
    yield home
    dispose_engines()


@pytest.fixture
def seiton_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SEITON_HOME with the default embedded stores."""
    home = tmp_path / "home"
    home.mkdir()
    yield from point_seiton_at(home, monkeypatch)


def _admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import text

    name = f"seiton_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as con:
        con.execute(text(f'create database "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        yield url
    finally:
        from operational_app.store.engine import dispose_engines

        dispose_engines()
        from sqlalchemy import create_engine

        create_engine(url).dispose()
        with admin.connect() as con:
            con.execute(text(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = :n and pid <> pg_backend_pid()"), {"n": name})
            con.execute(text(f'drop database if exists "{name}"'))
        admin.dispose()
