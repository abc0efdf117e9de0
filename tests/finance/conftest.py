"""Fixtures of the finance pages' tests (dashboards/pages/billing_charges.py,
reconciliation.py): the small demo (tests/e2e's demo_home, imported: built once per run and
shared) and driving the real app (seiton/webapp/main.py) with AppTest, signed in."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import PROJECT_ROOT
from tests.e2e.conftest import demo_home  # noqa: F401 - the one shared small demo

if str(PROJECT_ROOT) not in sys.path:  # AppTest runs the app in this process
    sys.path.insert(0, str(PROJECT_ROOT))

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"


@pytest.fixture
def home(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    monkeypatch.setenv("SEITON_HOME", str(demo_home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    return demo_home


def mart(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    """A direct, read-only query of the published warehouse (what the page must show)."""
    with duckdb.connect(str(home / "warehouse.published.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def open_page(url_path: str, role: str = "finance", area: str | None = None,
              **params: str) -> AppTest:
    """The app signed in with `role`, on /url_path?params (a callable page's script hash is
    calc_hash(url_path), what a browser request for the path resolves to)."""
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser(role, role.title(), role, area)
    at.session_state["last_seen"] = time.time()
    at.query_params.update(params)
    at._page_hash = calc_hash(url_path)  # noqa: SLF001 - see the docstring
    at.run()
    at._page_hash = ""  # noqa: SLF001 - later runs stay on the page
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, first_column: str, *, containing: str | None = None):
    """The first dataframe on screen whose first column is `first_column` (and which has a
    column `containing`, when given)."""
    for frame in at.dataframe:
        value = frame.value
        if value.columns[0] == first_column and (containing is None or containing in value.columns):
            return value
    raise AssertionError(f"no table starting with {first_column!r}")
