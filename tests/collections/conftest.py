"""Fixtures of the collections tests: the tiny receivables business of
collections_business.py, loaded, built and published once per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from collections_business import run_cli, write_tiny_business


@pytest.fixture(scope="session")
def ar_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SEITON_HOME with the tiny business loaded, built and published (treat as read-only),
    once per run: the xdist workers share it (tests/shared_homes.py)."""
    from tests.shared_homes import once, shared_root

    return once(shared_root(tmp_path_factory), "collections-business", _build)


def _build(home: Path) -> dict:
    from operational_app.store.engine import dispose_engines

    keys = ("SEITON_HOME", "SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["SEITON_HOME"] = str(home)
    os.environ.pop("SEITON_OPERATIONAL_URL", None)
    os.environ.pop("SEITON_WAREHOUSE", None)
    dispose_engines()
    try:
        run_cli("init")
        write_tiny_business()
        run_cli("refresh", "--quiet")
    finally:
        dispose_engines()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {}
