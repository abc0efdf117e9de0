"""`make lint` runs in CI too (issue: analysts): ruff over the Python and sqlfluff (dbt
templater) over the dbt models and singular tests must report nothing.

The same commands as the Makefile's `lint` target, so a finding fails `make test` and
`.ci/run` with the linter's own message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def test_ruff_reports_nothing() -> None:
    done = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.e2e  # compiles the whole dbt project (about a minute of CPU)
def test_sqlfluff_reports_nothing(tmp_path: Path) -> None:
    env = dict(os.environ, SEITON_BUILD_WAREHOUSE=str(tmp_path / "lint.duckdb"),
               DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    done = subprocess.run([str(BIN / "sqlfluff"), "lint", "models", "tests",
                           "--disable-progress-bar"],
                          cwd=PROJECT_ROOT / "dbt_project", env=env, capture_output=True,
                          text=True, check=False, timeout=900)
    findings = [line for line in done.stdout.splitlines() if line.startswith(("L:", "=="))]
    assert done.returncode == 0, "\n".join(findings[-80:]) or done.stderr[-4000:]
    assert "All Finished" in done.stdout
