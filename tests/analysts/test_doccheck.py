"""The documentation check (seiton/warehouse/doccheck.py, scripts/check_dbt_docs.py): it
catches a mart or column without a description and a mart without an enforced contract,
and the real project passes it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from seiton.config import PROJECT_ROOT
from seiton.warehouse.doccheck import Problem, check_manifest, check_project, main

from .synthetic import manifest as synthetic_manifest


def _mart(m: dict, name: str) -> dict:
    return m["nodes"][f"model.seiton.{name}"]


@pytest.fixture
def good() -> dict:
    m = synthetic_manifest()
    _mart(m, "fct_billing_charges")["columns"]["note"] = {"name": "note", "description": "A note."}
    return m


def test_a_fully_documented_manifest_passes(good):
    assert check_manifest(good) == []


def test_missing_model_description_is_caught(good):
    _mart(good, "kpi_monthly")["description"] = ""
    assert check_manifest(good) == [Problem("kpi_monthly", "no description")]


@pytest.mark.parametrize("text", ["", "   ", "TODO", "tbd.", None])
def test_missing_or_placeholder_column_description_is_caught(good, text):
    col = _mart(good, "fct_billing_charges")["columns"]["total"]
    if text is None:
        del col["description"]
    else:
        col["description"] = text
    assert check_manifest(good) == [Problem("fct_billing_charges", "no description", "total")]


def test_missing_contract_is_caught(good):
    _mart(good, "dim_stage")["config"]["contract"] = {"enforced": False}
    del _mart(good, "kpi_monthly")["config"]["contract"]
    problems = check_manifest(good)
    assert [(p.model, p.column) for p in problems] == [("dim_stage", None), ("kpi_monthly", None)]
    assert all("contract" in p.issue for p in problems)


def test_a_mart_without_declared_columns_is_caught(good):
    _mart(good, "fct_invoices")["columns"] = {}
    assert check_manifest(good) == [Problem("fct_invoices", "no columns declared in its YAML")]


def test_models_outside_marts_are_not_checked(good):
    node = good["nodes"]["model.seiton.stg_operational__contracts"]
    assert node["schema"] == "staging" and not node["columns"]
    node["description"] = ""
    assert check_manifest(good) == []


def test_no_marts_at_all_is_a_problem():
    assert check_manifest({"nodes": {}}) != []


def test_every_problem_is_listed_by_the_script(tmp_path, good, capsys):
    bad = copy.deepcopy(good)
    _mart(bad, "kpi_monthly")["description"] = ""
    _mart(bad, "kpi_monthly")["columns"]["value"]["description"] = ""
    _mart(bad, "fct_invoices")["config"]["contract"]["enforced"] = False
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(bad))
    assert main(["--manifest", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["fct_invoices: contract not enforced (config: contract: {enforced: true})",
                   "kpi_monthly: no description", "kpi_monthly.value: no description"]
    path.write_text(json.dumps(good))
    assert main(["--manifest", str(path)]) == 0
    assert main(["--manifest", str(tmp_path / "missing.json")]) == 2


def test_the_real_project_is_documented():
    """dbt parse of dbt_project/ into a scratch target; every mart must pass."""
    problems = check_project()
    assert not problems, "undocumented marts:\n" + "\n".join(map(str, problems))


def test_the_script_runs_standalone(tmp_path, good):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(good))
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "check_dbt_docs.py"),
                           "--manifest", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
