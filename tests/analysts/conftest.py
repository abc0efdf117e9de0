"""Fixtures for the analysts' tests: a synthetic published warehouse (tests/analysts/
synthetic.py) made once per session, and SEITON_HOME pointing at it."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT

# AppTest runs the app in this process; `seiton serve` runs it from the project root
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Paths of the synthetic home (read-only for tests); 'outside' is an empty folder
    hostile queries try to write into."""
    from .synthetic import make_home

    root = tmp_path_factory.mktemp("analysts")
    paths = make_home(root / "home")
    outside = root / "outside"
    outside.mkdir()
    return {**paths, "root": root, "outside": outside}


@pytest.fixture
def analyst_home(warehouse: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("SEITON_HOME", str(warehouse["home"]))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    monkeypatch.delenv("SEITON_OPERATIONAL_URL", raising=False)
    return warehouse


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under root: (size, mtime in ns, sha256) — "nothing written" means equal."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            stat = path.stat()
            out[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns,
                                                hashlib.sha256(path.read_bytes()).hexdigest())
        for name in _dirs:
            out[str((Path(dirpath) / name).relative_to(root)) + "/"] = (0, 0, "dir")
    return out
