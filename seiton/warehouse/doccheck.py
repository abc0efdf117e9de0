"""Warehouse convention check (docs/conventions.md, "Conventions checked in CI"): every
mart — every model in schema `marts`, what dashboards and analysts query — has a
description, a description on each of its columns, and an enforced contract.

Reads dbt's manifest.json; `parse_manifest` produces one with `dbt parse` into a scratch
target path, so the check never touches the project's own target/ or any warehouse.

    python scripts/check_dbt_docs.py [--manifest PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from seiton.config import DBT_PROJECT_DIR

MART_SCHEMA = "marts"
# a description that says nothing is as good as none
PLACEHOLDERS = frozenset({"", "todo", "tbd", "fixme", "tk", "-", "...", "…", "n/a", "none"})


@dataclass(frozen=True)
class Problem:
    model: str
    issue: str
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.model}.{self.column}" if self.column else self.model
        return f"{where}: {self.issue}"


def is_documented(text: str | None) -> bool:
    return bool(text) and text.strip().strip(".").strip().lower() not in PLACEHOLDERS


def mart_models(manifest: dict, schema: str = MART_SCHEMA) -> list[dict]:
    """The manifest's model nodes that build into `schema` (enabled ones: disabled models
    live under manifest['disabled'])."""
    return sorted(
        (node for node in manifest.get("nodes", {}).values()
         if node.get("resource_type") == "model"
         and (node.get("schema") or node.get("config", {}).get("schema")) == schema),
        key=lambda node: node["name"],
    )


def check_manifest(manifest: dict, schema: str = MART_SCHEMA) -> list[Problem]:
    """Every missing description or contract among the marts, in model then column order."""
    models = mart_models(manifest, schema)
    if not models:
        return [Problem(f"schema {schema}", "no models build into it (schema config broken?)")]
    problems: list[Problem] = []
    for node in models:
        name = node["name"]
        if not is_documented(node.get("description")):
            problems.append(Problem(name, "no description"))
        contract = (node.get("config") or {}).get("contract") or node.get("contract") or {}
        if contract.get("enforced") is not True:
            problems.append(Problem(name, "contract not enforced (config: contract: {enforced: true})"))
        columns = node.get("columns") or {}
        if not columns:
            problems.append(Problem(name, "no columns declared in its YAML"))
        for column in columns.values():
            if not is_documented(column.get("description")):
                problems.append(Problem(name, "no description", column.get("name")))
    return problems


def parse_manifest(target_dir: Path, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """`dbt parse` into target_dir (no warehouse needed); returns the manifest's path."""
    from seiton.warehouse.dbt import dbt_executable

    target_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # profiles.yml needs a path; parse never opens it
    env.setdefault("SEITON_BUILD_WAREHOUSE", str(target_dir / "unused.duckdb"))
    env["DBT_LOG_PATH"] = str(target_dir / "logs")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    cmd = [dbt_executable(), "parse", "--project-dir", str(project_dir),
           "--profiles-dir", str(project_dir), "--target-path", str(target_dir)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    manifest = target_dir / "manifest.json"
    if done.returncode != 0 or not manifest.exists():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"dbt parse failed (exit {done.returncode}):\n{tail}")
    return manifest


def check_project(project_dir: Path = DBT_PROJECT_DIR) -> list[Problem]:
    with tempfile.TemporaryDirectory(prefix="seiton-doccheck-") as tmp:
        manifest = parse_manifest(Path(tmp) / "target", project_dir)
        return check_manifest(json.loads(manifest.read_text()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--manifest", type=Path,
                   help="check this manifest.json instead of parsing the project")
    p.add_argument("--project-dir", type=Path, default=DBT_PROJECT_DIR)
    args = p.parse_args(argv)
    try:
        if args.manifest:
            problems = check_manifest(json.loads(args.manifest.read_text()))
        else:
            problems = check_project(args.project_dir)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"check_dbt_docs: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} documentation/contract problem(s) in the marts", file=sys.stderr)
        return 1
    print("every mart and column is described; every mart has an enforced contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
