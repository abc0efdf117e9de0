"""Fixtures of the reliability scenarios (docs/reliability.md).

`tiny_home` is a SEITON_HOME with the demo generator's `tiny` business (10 accounts, ~60
devices, 9 months), initialised and refreshed once per test run — shared by the xdist
workers through a file lock — and `tiny_copy` a private writable copy of it. A refresh
costs the same few dozen seconds of dbt start-up and tests at any small size, so the
scenarios that refresh many times use the smallest business that builds every mart.

Repetitions: `count(normal, stress)` — `make stress` (SEITON_STRESS=1) runs the full ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT
from tests.conftest import point_seiton_at
from tests.shared_homes import DEMO_UNTIL  # noqa: F401 - re-exported: tests import it from here

STRESS = os.environ.get("SEITON_STRESS", "").lower() in {"1", "true", "yes"}
FIGURES_DIR = Path(os.environ.get("SEITON_RELIABILITY_FIGURES")
                   or PROJECT_ROOT / ".pytest_cache" / "reliability")


def count(normal: int, stress: int) -> int:
    return stress if STRESS else normal


def seiton_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE", "SEITON_DEMO_MODE"):
        env.pop(key, None)
    env.update(SEITON_HOME=str(home), PYTHONUNBUFFERED="1", SEITON_REFRESH_MINUTES="0",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1",
               SEITON_LANG="en")  # the tests read the CLI's English one-liners
    env.update(extra)
    return env


def seiton_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "seiton.cli", *args]


def seiton(home: Path, *args: str, timeout: float = 900, check: bool = True,
           **extra_env: str) -> subprocess.CompletedProcess:
    """Run one `seiton` command in its own process (as an operator would)."""
    done = subprocess.run(seiton_cmd(*args), env=seiton_env(home, **extra_env), cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"seiton {' '.join(args)} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'operational.db'}"


def published(home: Path) -> Path:
    return home / "warehouse.published.duckdb"


@pytest.fixture(scope="session")
def tiny_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """init → demo-data --scale tiny → refresh, once per run (read-only for tests;
    tests/shared_homes.py)."""
    from tests.shared_homes import ensure, shared_root

    return ensure(shared_root(tmp_path_factory), "tiny")


def copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


def built_from_scratch(source: Path, target: Path) -> Path:
    """A new home holding `source`'s operational DB (with its WAL, if not checkpointed) and
    a warehouse built from nothing: what an incremental warehouse must equal."""
    target.mkdir()
    for name in ("operational.db", "operational.db-wal"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    seiton(target, "init")
    seiton(target, "refresh", "--quiet")
    return target


@pytest.fixture
def tiny_copy(tiny_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private writable copy of the tiny home, SEITON_HOME pointing at it."""
    yield from point_seiton_at(copy_home(tiny_home, tmp_path / "home"), monkeypatch)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty operational store: a SQLite file, then a fresh PostgreSQL database."""
    from operational_app.store.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'operational.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)
    return url


@pytest.fixture
def figures(request: pytest.FixtureRequest, record_property):
    """Record a scenario's figures: in the JUnit properties and as JSON under
    .pytest_cache/reliability/ (docs/reliability.md quotes them)."""
    def save(**values) -> None:
        values = {"test": request.node.nodeid, "stress": STRESS,
                  "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **values}
        record_property("figures", json.dumps(values, default=str))
        FIGURES_DIR.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        (FIGURES_DIR / f"{name}.json").write_text(json.dumps(values, indent=1, default=str))
        print(f"\nfigures {request.node.name}: {json.dumps(values, default=str)}")
    return save
