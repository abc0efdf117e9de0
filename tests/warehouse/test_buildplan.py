"""What a refresh builds (seiton/warehouse/buildplan.py): nothing, the changed tables'
descendants, or everything — decided from the refresh status."""

from __future__ import annotations

from pathlib import Path

from seiton.warehouse.buildplan import BuildPlan, plan_build, project_fingerprint

BASE = {"fingerprint": "f1", "last_fingerprint": "f1", "interrupted": False,
        "published_exists": True}


def test_nothing_pending_builds_nothing() -> None:
    plan = plan_build(pending=set(), **BASE)
    assert plan.mode == "skip" and plan.select_args() == []


def test_changed_tables_select_their_descendants_in_a_stable_order() -> None:
    plan = plan_build(pending={"tickets", "audit_log"}, **BASE)
    assert plan.mode == "selected"
    assert plan.select_args() == ["--select", "source:operational.audit_log+",
                                  "source:operational.tickets+"]
    assert plan.build_args() == plan.select_args()  # incremental: no --full-refresh


def test_everything_is_built_when_the_state_is_unknown_or_the_project_changed() -> None:
    cases = {
        "no published warehouse or no earlier build yet": {**BASE, "published_exists": False},
        "the previous refresh did not finish its build": {**BASE, "interrupted": True},
        "the dbt project changed since the last build": {**BASE, "last_fingerprint": "old"},
        "a full build was asked for": {**BASE, "full": True},
    }
    for reason, kwargs in cases.items():
        plan = plan_build(pending={"tickets"}, **kwargs)
        assert (plan.mode, plan.reason, plan.select_args()) == ("full", reason, [])
        # incremental models are rebuilt from scratch: a logic change leaves no stale rows
        assert plan.build_args() == ["--full-refresh"]
    # a first build with nothing pending still builds everything
    assert plan_build(pending=set(), **{**BASE, "last_fingerprint": None}).mode == "full"


def test_the_fingerprint_follows_every_file_dbt_reads(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "dbt"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: x\n")
    model = project / "models" / "staging" / "a.sql"
    model.write_text("select 1\n")
    monkeypatch.delenv("SEITON_DBT_VARS", raising=False)
    first = project_fingerprint(project)
    assert project_fingerprint(project) == first
    model.write_text("select 2\n")
    second = project_fingerprint(project)
    assert second != first
    (project / "macros").mkdir()
    (project / "macros" / "m.sql").write_text("{% macro m() %}1{% endmacro %}\n")
    third = project_fingerprint(project)
    assert third != second
    monkeypatch.setenv("SEITON_DBT_VARS", '{"as_of_date": "2026-10-31"}')
    assert project_fingerprint(project) != third


def test_the_reason_of_a_plan_comes_in_the_users_language() -> None:
    selected = BuildPlan("selected", "2 changed source table(s)", ("devices", "meter_readings"))
    assert selected.reason_message().render("es") == "2 tabla(s) de origen con cambios"
    assert selected.reason_message().render("en") == selected.reason
    skip = BuildPlan("skip", "the load brought nothing new")
    assert skip.reason_message().render("es") == "la carga no trajo nada nuevo"
    assert str(skip.reason_message()) == "the load brought nothing new"


def test_a_partial_plan_builds_the_named_marts_without_tests() -> None:
    partial = plan_build(pending={"meter_readings"}, only=("fct_billing_charges",), **BASE)
    assert partial.mode == "partial" and partial.tables == ("meter_readings",)
    assert partial.build_args() == ["--exclude-resource-type", "test", "--select",
                                    "+fct_billing_charges"]
    # standing in for a full build (no earlier build): incremental models start afresh too
    first = plan_build(pending=set(), only=("fct_billing_charges",),
                       **{**BASE, "published_exists": False})
    assert first.mode == "partial" and first.fresh
    assert first.build_args()[-1] == "--full-refresh"
