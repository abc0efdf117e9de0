"""One small demo business, built once per test run and shared by the e2e tests
(tests/shared_homes.py: a file lock shares it between the xdist workers, and one worker
starts it in the background as soon as the run needs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import point_seiton_at
from tests.reliability.conftest import tiny_home  # noqa: F401 - the fixture, shared
from tests.shared_homes import DEMO_UNTIL  # noqa: F401 - re-exported: tests import it from here


def run_cli(*args: str) -> None:
    from seiton.cli import main

    code = main(list(args))
    assert code == 0, f"seiton {' '.join(args)} exited {code}"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SEITON_HOME with the small demo generated and refreshed once (read-only for tests;
    tests/shared_homes.py)."""
    from tests.shared_homes import ensure, shared_root

    return ensure(shared_root(tmp_path_factory), "small")


@pytest.fixture
def demo_copy(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, writable copy of the demo home (for tests that change data)."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    yield from point_seiton_at(home, monkeypatch)
