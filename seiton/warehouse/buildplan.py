"""What a refresh builds: nothing, what the changed sources reach, or everything — or,
for a caller that needs a few marts now, only those ("partial").

The project's own record of what each load changed decides (docs/performance.md,
"Refresh in proportion to what changed"), not dbt's `source_status:fresher+`: source
freshness compares `max(updated_at)` per table between two `dbt source freshness` runs,
which costs a query per source and a second artefact to keep, and says nothing about a
table whose newest row did not move (a late commit on PostgreSQL). The load already
counts the rows it merged per table, so that count is the record.

- Tables a load changed join `pending_tables` in the refresh status *before* the build
  starts and leave it only when a build containing them succeeded, so a failed or killed
  build is retried on the next refresh even when that refresh's load brings nothing.
- A build selects `source:operational.<table>+` for each pending table: every model a
  changed table reaches, and the data tests of those models. Models no changed table
  reaches are left as the last successful build made them; they are pure functions of
  their inputs, so they already hold what a full build would give (tested:
  tests/bench/test_incremental_equals_full.py).
- Everything is rebuilt when the dbt project itself changed (models, macros, seeds,
  tests, configuration, vars: `project_fingerprint`), when the previous refresh was
  killed (its pending set may be incomplete) or its full build failed, when no publish
  exists yet, or on request (`seiton refresh --full`). A full build passes
  `--full-refresh`: the incremental models start again from their inputs.
- A partial plan (`refresh(only=...)`) builds the named marts and what they are built from,
  without data tests (with `--full-refresh` when it stands in for a full build), and leaves
  a full build due: a partial warehouse is never taken for a finished one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from seiton.config import DBT_PROJECT_DIR

SOURCE = "operational"
# What the fingerprint covers: everything dbt reads from the project folder.
_PROJECT_PARTS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")


@dataclass(frozen=True)
class BuildPlan:
    mode: str  # "skip" | "selected" | "full" | "partial"
    reason: str
    tables: tuple[str, ...] = ()
    # "partial": the marts a caller needs now (the demo's billing run reads the charges
    # between its phases), built with what they are built from and no data tests; the next
    # refresh builds and tests everything. `fresh`: the plan it stands in for was "full".
    marts: tuple[str, ...] = ()
    fresh: bool = False

    def select_args(self) -> list[str]:
        """dbt arguments selecting what this plan builds (none for a full build)."""
        if self.mode != "selected":
            return []
        return ["--select", *(f"source:{SOURCE}.{table}+" for table in self.tables)]

    def reason_message(self):
        """The reason as a message of the catalogue, shown in the CLI's language."""
        from operational_app.domain.messages import msg

        if self.mode == "selected":
            return msg("{n} changed source table(s)", n=len(self.tables))
        return msg(self.reason)

    def build_args(self) -> list[str]:
        """dbt arguments for this plan's build: the selection, or `--full-refresh` for a full
        build, so the incremental models (docs/performance.md, "Incremental models") are
        rebuilt from scratch and a change of their logic leaves no stale rows."""
        if self.mode == "full":
            return ["--full-refresh"]
        if self.mode == "partial":
            return ["--exclude-resource-type", "test", "--select",
                    *(f"+{name}" for name in self.marts),
                    *(["--full-refresh"] if self.fresh else [])]
        return self.select_args()


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A digest of every file dbt reads, and of the vars the build is given."""
    digest = hashlib.sha256()
    paths = [project_dir / name for name in _PROJECT_FILES]
    for part in _PROJECT_PARTS:
        root = project_dir / part
        if root.is_dir():
            paths += sorted(p for p in root.rglob("*") if p.is_file())
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(project_dir)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    digest.update(os.environ.get("SEITON_DBT_VARS", "").encode())
    return digest.hexdigest()


def plan_build(*, pending: set[str], fingerprint: str, last_fingerprint: str | None,
               interrupted: bool, published_exists: bool, full: bool = False,
               only: tuple[str, ...] = ()) -> BuildPlan:
    """Decide what to build from the refresh status (pure: unit-tested). With `only`, the
    named marts and what they are built from, whatever else changed."""
    plan = _plan(pending=pending, fingerprint=fingerprint, last_fingerprint=last_fingerprint,
                 interrupted=interrupted, published_exists=published_exists, full=full)
    if only:
        return BuildPlan("partial", "only the marts needed now", plan.tables, tuple(only),
                         fresh=plan.mode == "full")
    return plan


def _plan(*, pending: set[str], fingerprint: str, last_fingerprint: str | None,
          interrupted: bool, published_exists: bool, full: bool) -> BuildPlan:
    if full:
        return BuildPlan("full", "a full build was asked for")
    if not published_exists:
        return BuildPlan("full", "no published warehouse or no earlier build yet")
    if interrupted:
        return BuildPlan("full", "the previous refresh did not finish its build")
    if fingerprint != last_fingerprint:
        return BuildPlan("full", "the dbt project changed since the last build")
    if not pending:
        return BuildPlan("skip", "the load brought nothing new")
    return BuildPlan("selected", f"{len(pending)} changed source table(s)",
                     tuple(sorted(pending)))
