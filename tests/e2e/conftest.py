"""One small demo business, built once per test run and shared by the e2e tests.

Under pytest-xdist every worker asks for it; a file lock in the run's shared temp folder
makes the first worker build it and the others wait and reuse it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import point_seiton_at

DEMO_UNTIL = "2026-10-31"


def run_cli(*args: str) -> None:
    from seiton.cli import main

    code = main(list(args))
    assert code == 0, f"seiton {' '.join(args)} exited {code}"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """SEITON_HOME with the small demo generated and refreshed once (read-only for tests)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # xdist: the run's common folder
    home = shared / "shared-demo" / "home"
    with open(shared / "shared-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "shared-demo" / "built"
        if not done.exists():
            if home.exists():
                shutil.rmtree(home)  # a previous builder died half-way
            home.mkdir(parents=True)
            _build_demo(home)
            done.touch()
    return home


def _build_demo(home: Path) -> None:
    from operational_app.store.engine import dispose_engines

    saved = {k: os.environ.get(k) for k in ("SEITON_HOME", "SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE")}
    os.environ["SEITON_HOME"] = str(home)
    os.environ.pop("SEITON_OPERATIONAL_URL", None)
    os.environ.pop("SEITON_WAREHOUSE", None)
    dispose_engines()
    try:
        run_cli("init")
        run_cli("demo-data", "--scale", "small", "--until", DEMO_UNTIL)
        run_cli("refresh", "--quiet")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        dispose_engines()


@pytest.fixture
def demo_copy(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, writable copy of the demo home (for tests that change data)."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    yield from point_seiton_at(home, monkeypatch)
