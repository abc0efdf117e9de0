"""The two demo businesses many tests share, each generated and refreshed once per run:
`small` (tests/e2e's `demo_home`) and `tiny` (tests/reliability's `tiny_home`).

Under pytest-xdist every worker may ask for either: a file lock in the run's common temp
folder makes the first one build it and the others wait and reuse it. So that no worker sits
idle on that lock, each worker starts one of them in a background thread as soon as its
collection shows the run needs it (`prebuild`): gw0 the small business, gw1 the tiny one.
The build runs `seiton` in child processes (as an operator would), never in the worker's
own process, so a background build shares no state with the tests running meanwhile.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

DEMO_UNTIL = "2026-10-31"
# name → (folder in the run's temp root, demo scale, the fixture that hands it out)
HOMES = {"small": ("shared-demo", "small", "demo_home"),
         "tiny": ("reliability-tiny", "tiny", "tiny_home")}
PREBUILT_BY = {"gw0": "small", "gw1": "tiny"}


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # under xdist every worker has its own basetemp inside the run's directory
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(root: Path, folder: str, build: Callable[[Path], dict]) -> Path:
    """`root/folder/home`, made by `build(home)` unless a worker made it already (the file
    lock makes the others wait; a builder that died half-way is started over)."""
    home = root / folder / "home"
    ready = home.parent / "ready.json"
    with open(root / f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(home.parent, ignore_errors=True)
            home.mkdir(parents=True)
            ready.write_text(json.dumps(build(home)))
    return home


def ensure(root: Path, name: str) -> Path:
    """The shared demo home `name` (`HOMES`)."""
    from tests.reliability.conftest import seiton

    folder, scale, _ = HOMES[name]

    def build(home: Path) -> dict:
        t = time.perf_counter()
        seiton(home, "init")
        seiton(home, "demo-data", "--scale", scale, "--until", DEMO_UNTIL)
        built = time.perf_counter()
        seiton(home, "refresh", "--quiet")
        return {"generate_s": built - t, "refresh_s": time.perf_counter() - built}

    return once(root, folder, build)


def prebuild(session: pytest.Session) -> None:
    """Start this worker's shared home in the background if a selected test needs it; a
    failed background build is simply retried (and reported) by the fixture itself."""
    name = PREBUILT_BY.get(os.environ.get("PYTEST_XDIST_WORKER", ""))
    if name is None:
        return
    fixture = HOMES[name][2]
    if not any(fixture in getattr(item, "fixturenames", ()) for item in session.items):
        return
    root = shared_root(session.config._tmp_path_factory)  # noqa: SLF001 - pytest's own factory

    def build() -> None:
        try:
            ensure(root, name)
        except Exception:  # noqa: BLE001, S110 - the fixture retries and shows the error
            pass

    threading.Thread(target=build, name=f"prebuild-{name}", daemon=True).start()
