"""Fixed choices (ticket types, roles, line kinds…) have one owner: the domain's tuple. The
store's CHECK constraints and the warehouse's `accepted_values` tests are checked against it
here, so a value added in one place and forgotten in another fails the suite instead of
failing a refresh in production (docs/conventions.md, "dbt").

Choices without a domain tuple (the billing run's draft statuses, CFDI types) are owned by
the store's CHECK constraint, and the warehouse is checked against that."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import CheckConstraint

from operational_app.domain import (
    billing,
    fields,
    fiscal,
    formalization,
    meter_rules,
    operation,
    renewal,
    users,
)
from operational_app.store.models import Base

DBT_MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
IN_LIST = re.compile(r"^\s*(\w+)\s+in\s+\((.*)\)\s*$", re.IGNORECASE)

# (store table, column) → the domain's tuple
OWNERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("users", "role"): users.ROLES,
    ("amendments", "amendment_type"): renewal.AMENDMENT_TYPES,
    ("formalization_steps", "decision"): formalization.DECISIONS,
    ("collection_actions", "action_type"): billing.COLLECTION_ACTIONS,
    ("device_events", "event_type"): operation.EVENT_TYPES,
    ("invoice_lines", "kind"): fiscal.LINE_KINDS,
    ("credit_note_lines", "kind"): fiscal.LINE_KINDS,
    ("invoice_draft_lines", "kind"): fiscal.LINE_KINDS,
    ("meter_readings", "review_status"): meter_rules.REVIEW_STATUSES,
    ("meter_readings", "source"): billing.READING_SOURCES,
    ("price_tiers", "meter"): formalization.METERS,
    ("tickets", "ticket_type"): operation.TICKET_TYPES,
}
# (dbt model, column) → (store table, column) whose values it must accept, for columns that
# carry a stored choice further than staging
CARRIED = {
    ("fct_tickets", "ticket_type"): ("tickets", "ticket_type"),
    ("fct_collection_actions", "action_type"): ("collection_actions", "action_type"),
    ("fct_invoice_lines", "kind"): ("invoice_lines", "kind"),
}
# (dbt model, column) → (store table, column, values left out on purpose, why)
NARROWER = {
    ("stg_operational__meter_readings", "review_status"): (
        "meter_readings", "review_status", {"rejected"},
        "a rejected reading is withdrawn (deleted_at set): staging drops it"),
    ("fct_billing_charge_lines", "kind"): (
        "invoice_lines", "kind", {"adjustment"},
        "a charge is computed from meter reads; adjustments only exist on documents"),
}
WAREHOUSE_OWNED = {("dim_contract", "currency"): fields.CURRENCIES}


@cache
def check_lists() -> dict[tuple[str, str], tuple[str, ...]]:
    found = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                match = IN_LIST.match(str(constraint.sqltext))
                if match:
                    values = tuple(v.strip().strip("'") for v in match.group(2).split(","))
                    found[(table.name, match.group(1))] = values
    return found


@cache
def accepted_values() -> dict[tuple[str, str], tuple[str, ...]]:
    found = {}
    for path in DBT_MODELS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            for column in model.get("columns", []) or []:
                for test in column.get("data_tests", []) or []:
                    if isinstance(test, dict) and "accepted_values" in test:
                        spec = test["accepted_values"]
                        values = (spec.get("arguments") or spec)["values"]
                        found[(model["name"], column["name"])] = tuple(map(str, values))
    return found


def test_every_domain_choice_is_the_stores_check_constraint() -> None:
    checks = check_lists()
    assert {key: set(values) for key, values in OWNERS.items()} == \
        {key: set(checks.get(key, ())) for key in OWNERS}


def test_staging_accepts_exactly_the_stored_choices() -> None:
    accepted, problems, compared = accepted_values(), [], 0
    for (table, column), stored in check_lists().items():
        model = (f"stg_operational__{table}", column)
        if model not in accepted:
            continue  # staging does not test the column: nothing there can disagree
        compared += 1
        left_out = NARROWER[model][2] if model in NARROWER else set()
        if set(accepted[model]) != set(stored) - left_out:
            problems.append(f"{model}: accepts {sorted(accepted[model])}, store holds "
                            f"{sorted(stored)}")
    assert problems == []
    assert compared >= 12  # the comparison really ran over the stored choices


def test_marts_carry_the_stored_choices() -> None:
    accepted, checks = accepted_values(), check_lists()
    for model, source in CARRIED.items():
        assert set(accepted[model]) == set(checks[source]), model
    for model, (table, column, left_out, _why) in NARROWER.items():
        assert set(accepted[model]) == set(checks[(table, column)]) - left_out, model
    for model, values in WAREHOUSE_OWNED.items():
        assert set(accepted[model]) == set(values), model


def test_the_check_finds_what_it_compares() -> None:
    # a parsing slip would make every comparison above vacuous
    assert len(check_lists()) >= 15
    assert ("tickets", "ticket_type") in check_lists()
    assert len(accepted_values()) >= 40
