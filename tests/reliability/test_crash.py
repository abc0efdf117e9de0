"""Scenario: crash mid-refresh (docs/quality-targets.md, reliability 2; docs/reliability.md).

`seiton refresh` runs as a subprocess in its own process group and is killed with SIGKILL
at seeded random points of its load, build and publish phases — at least 10 times in
`make test`, 100 in `make stress` — while reader processes query the published warehouse
throughout. Before every run a few rows are written through the domain layer, so each load
has work and a killed run leaves changes behind. Then:
- every read succeeded and saw one complete publish (tests/reliability/probe.py);
- the next clean refresh succeeds and leaves no temp file behind;
- its marts equal those of a from-scratch build of the same operational DB in a fresh
  SEITON_HOME (relation checksums).
One build-phase kill per ten hits the refresh process alone (not its group): dbt must die
with it (seiton/warehouse/dbt.py) instead of holding the build file's lock.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT
from tests.reliability import data
from tests.reliability.conftest import (
    count,
    published,
    seiton,
    seiton_cmd,
    seiton_env,
    sqlite_url,
)
from tests.reliability.probe import Probes

KILLS = count(10, 100)
SEED = int(os.environ.get("SEITON_CRASH_SEED", "20261129"))
PHASES = ("load", "build", "publish")
MARKERS = {"load": "[1/3] load", "build": "[2/3] build", "publish": "[3/3] publish"}
RUN_TIMEOUT_S = 900


class RefreshRun:
    """`seiton refresh` in its own process group, its progress lines timestamped."""

    def __init__(self, home: Path) -> None:
        self.proc = subprocess.Popen(
            seiton_cmd("refresh", "--quiet"), env=seiton_env(home), cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.pgid = self.proc.pid
        self.started = time.monotonic()
        self.lines: list[str] = []
        self.reached: dict[str, threading.Event] = {p: threading.Event() for p in PHASES}
        self.ended = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            for phase, marker in MARKERS.items():
                if line.startswith(marker):
                    self.reached[phase].set()
        self.ended.set()

    def wait_for(self, phase: str, timeout: float = RUN_TIMEOUT_S) -> bool:
        """True once the phase started; False if the run ended before reaching it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.reached[phase].wait(0.05):
                return True
            if self.ended.is_set() and not self.reached[phase].is_set():
                return False
        raise AssertionError(f"refresh did not reach {phase} in {timeout} s:\n{self.output}")

    @property
    def phase(self) -> str:
        done = [p for p in PHASES if self.reached[p].is_set()]
        return done[-1] if done else "start-up"

    @property
    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def kill(self, whole_group: bool = True) -> None:
        if whole_group:
            os.killpg(self.pgid, signal.SIGKILL)
        else:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(60)
        self.ended.wait(60)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def wait_group_gone(pgid: int, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def kill_plan(rng: random.Random, kills: int) -> list[str]:
    """Which phase each kill aims at: 50 % load (dlt's state and packages), 30 % build,
    20 % publish, in a seeded order. A kill in publish costs a whole build first."""
    n_load = round(kills * 0.5)
    n_build = round(kills * 0.3)
    plan = ["load"] * n_load + ["build"] * n_build + ["publish"] * (kills - n_load - n_build)
    rng.shuffle(plan)
    return plan


def stale_temp_files(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir()
                  if p.name.startswith((".warehouse.published.duckdb.", ".load-result"))
                  or p.suffix == ".partial")


@pytest.mark.e2e
@pytest.mark.stress
def test_refresh_survives_sigkill_at_random_points(tiny_copy: Path, tmp_path: Path,
                                                  figures) -> None:
    from seiton.config import load_settings
    from seiton.warehouse.checksums import relation_checksums
    from seiton.warehouse.refresh import read_status

    home = tiny_copy
    url = sqlite_url(home)
    timings = read_status(load_settings())["last_timings"]
    rng = random.Random(SEED)
    # Start from an empty build warehouse: the first loads copy every table, a real dlt load
    # to kill; the published warehouse keeps serving the fixture's build meanwhile.
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal"):
        (home / name).unlink(missing_ok=True)
    shutil.rmtree(home / "dlt_pipelines")

    serials = data.readable_devices(url)
    contract, opened_at = data.active_contract(url)
    plan = kill_plan(rng, KILLS)
    parent_only = {i for i, p in enumerate(plan) if p == "build"}
    parent_only = set(sorted(parent_only)[:: 10]) if parent_only else set()
    kills: list[dict] = []
    completed_runs = 0
    writes = 0
    started = time.perf_counter()
    with Probes(published(home), modes=("direct", "console")) as probes:
        i = 0
        attempts = 0
        while len(kills) < KILLS:
            attempts += 1
            assert attempts <= 3 * KILLS, f"only {len(kills)} kills in {attempts} runs"
            # changes before every run: a new reading, every third run a ticket
            data.try_add_reading(url, serials, start=attempts)
            writes += 1
            if attempts % 3 == 0:
                data.open_ticket(url, f"CRASH-{attempts:04d}", contract, opened_at,
                                 description=f"crash round {attempts}")
                writes += 1
            phase = plan[i]
            delay = rng.uniform(0.0, max(timings.get(phase, 1.0), 0.5))
            run = RefreshRun(home)
            if not run.wait_for(phase):
                run.proc.wait(60)
                pytest.fail(f"a refresh after {len(kills)} kills ended before {phase} "
                            f"(exit {run.proc.returncode}):\n{run.output}")
            time.sleep(delay)
            if run.proc.poll() is not None:  # finished before the kill landed
                assert run.proc.returncode == 0, f"refresh failed:\n{run.output}"
                completed_runs += 1
                continue
            whole_group = i not in parent_only
            landed = run.phase
            run.kill(whole_group=whole_group)
            left = wait_group_gone(run.pgid)
            assert not left, f"processes of the killed refresh still running: {left}"
            kills.append({"aimed": phase, "landed": landed, "delay_s": round(delay, 2),
                          "group": whole_group})
            i += 1
        kill_loop_s = time.perf_counter() - started

        # the next clean refresh, and a from-scratch build of the same operational DB
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        seiton(home, "backup", "--to", str(fresh / "operational.db"))
        seiton(fresh, "init")
        t = time.perf_counter()
        reference = subprocess.Popen(seiton_cmd("refresh", "--quiet"), env=seiton_env(fresh),
                                     cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        final = seiton(home, "refresh", "--quiet")
        final_s = time.perf_counter() - t
        ref_out, _ = reference.communicate(timeout=RUN_TIMEOUT_S)
        assert reference.returncode == 0, ref_out[-3000:]
        probes.stop()

    assert probes.error_count == 0, probes.errors
    assert probes.reads > 0
    assert stale_temp_files(home) == []
    after = relation_checksums(published(home))
    expected = relation_checksums(published(fresh))
    differing = sorted(k for k in set(after) | set(expected) if after.get(k) != expected.get(k))
    assert differing == [], f"marts differ from a from-scratch build: {differing}"
    landed = {p: sum(k["landed"] == p for k in kills) for p in ("start-up", *PHASES)}
    figures(kills=len(kills), landed=landed, parent_only_kills=sum(not k["group"] for k in kills),
            runs_finished_before_kill=completed_runs, domain_writes=writes,
            reads=probes.reads, read_errors=probes.error_count,
            versions_seen=len(probes.versions), kill_loop_s=round(kill_loop_s, 1),
            final_refresh_s=round(final_s, 1), marts=len(after), seed=SEED,
            final_output=final.stdout.splitlines()[-1:], kill_log=kills)
    for phase in PHASES:
        assert landed[phase] > 0 or KILLS < 3, f"no kill landed in {phase}: {kills}"
