"""Fixtures for the app tests: an initialised SEITON_HOME (``seiton init``) with one user per
role and the seed business of app_helpers, made once per session and copied per test."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT

from .app_helpers import PASSWORD, USERS, seed_business

# `seiton serve` runs `python -m streamlit` from the project root, so every top-level package
# there (dashboards included) is importable by the pages; AppTest runs the app in this
# process, so give it the same path.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`seiton init`, one user per role and the seed business, made once and copied."""
    import os

    from operational_app.domain import users
    from operational_app.store.engine import dispose_engines, write_session
    from seiton import cli

    home = tmp_path_factory.mktemp("template-home")
    saved = {k: os.environ.get(k) for k in ("SEITON_HOME", "SEITON_OPERATIONAL_URL",
                                            "SEITON_WAREHOUSE")}
    os.environ["SEITON_HOME"] = str(home)
    os.environ.pop("SEITON_OPERATIONAL_URL", None)
    os.environ.pop("SEITON_WAREHOUSE", None)
    dispose_engines()
    try:
        assert cli.main(["init"]) == 0
        with write_session() as s:
            for name, (role, area) in USERS.items():
                users.add_user(s, "setup", username=name, display_name=name.title(),
                               role=role, password=PASSWORD, area=area)
        seed_business()
    finally:
        dispose_engines()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return home


@pytest.fixture
def app_home(seiton_home: Path, template_home: Path) -> Iterator[Path]:
    """A fresh copy of the template in this test's SEITON_HOME."""
    for item in template_home.iterdir():
        if item.is_file():
            shutil.copy2(item, seiton_home / item.name)
    yield seiton_home


