"""Run dbt as a subprocess (in-process dbtRunner can keep the DuckDB lock: docs/stack.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from seiton.config import DBT_PROJECT_DIR, Settings


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["SEITON_BUILD_WAREHOUSE"] = str(settings.build_warehouse)
    # target/ and logs/ go under SEITON_HOME so parallel homes (tests) never collide
    env["DBT_TARGET_PATH"] = str(settings.home / "dbt_target")
    env["DBT_LOG_PATH"] = str(settings.home / "dbt_logs")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    return env


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


# Runs dbt so that it dies with its parent: if `seiton refresh` is killed on its own (a
# SIGKILL to its pid, not its process group), an orphaned dbt would keep the build file's
# write lock and make the next refresh fail (docs/reliability.md, crash mid-refresh).
_DIE_WITH_PARENT = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    os._exit(137)  # the parent died before the prctl\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def _die_with_parent(cmd: list[str]) -> list[str]:
    if not sys.platform.startswith("linux"):
        return cmd
    return [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *cmd]


def run_dbt(settings: Settings, args: list[str], *, quiet: bool = False) -> int:
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
           "--profiles-dir", str(DBT_PROJECT_DIR)]
    vars_json = os.environ.get("SEITON_DBT_VARS")
    if vars_json:
        cmd += ["--vars", vars_json]
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(_die_with_parent(cmd), env=dbt_env(settings), stdout=out,
                          check=False).returncode
