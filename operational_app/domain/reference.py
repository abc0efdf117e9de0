"""Reference data the warehouse and the app share, read from the dbt seeds (one owner).

The seeds under dbt_project/seeds are the single source: dbt loads them into the warehouse,
and the app reads the same files here — the KPI catalog (codes, direction, default target
and amber threshold), the stages, and which area is responsible for each transaction type
(docs/stages-and-kpis.md, "Duties within a stage"). Nothing here is a second copy of a rule.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from seiton.config import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Kpi:
    stage_code: str
    kpi_code: str
    name_es: str
    name_en: str
    unit: str
    direction: str  # "up": higher is better; "down": lower is better
    target: Decimal | None  # the default a new company starts from
    amber: Decimal | None


@cache
def kpi_catalog() -> dict[str, Kpi]:
    """kpi_code → the catalog's KPI, in the seed's order."""
    out: dict[str, Kpi] = {}
    for row in read_seed("kpi_catalog"):
        out[row["kpi_code"]] = Kpi(
            stage_code=row["stage_code"], kpi_code=row["kpi_code"], name_es=row["name_es"],
            name_en=row["name_en"], unit=row["unit"], direction=row["direction"],
            target=Decimal(row["target"]) if row["target"] else None,
            amber=Decimal(row["amber"]) if row["amber"] else None)
    return out


@cache
def stage_names() -> dict[str, dict[str, str]]:
    """stage_code → its name per language ({"es": …, "en": …}, seed stages)."""
    return {row["stage_code"]: {"es": row["name_es"], "en": row["name_en"]}
            for row in read_seed("stages")}


@cache
def transaction_type_stages() -> dict[str, str]:
    """transaction_type → the one stage it supports (seed transaction_types)."""
    return {row["transaction_type"]: row["stage_code"] for row in read_seed("transaction_types")}


@cache
def transaction_type_areas() -> dict[str, frozenset[str]]:
    """transaction_type → the operator areas responsible for recording it (seed
    transaction_type_areas): within a stage, each type has its own responsible areas."""
    out: dict[str, set[str]] = {}
    for row in read_seed("transaction_type_areas"):
        out.setdefault(row["transaction_type"], set()).add(row["area"])
    return {k: frozenset(v) for k, v in out.items()}


@cache
def area_stages() -> dict[str, frozenset[str]]:
    """area → the stages it is responsible for (seed operator_areas: the stage table read
    per area)."""
    out: dict[str, set[str]] = {}
    for row in read_seed("operator_areas"):
        out.setdefault(row["area"], set()).add(row["stage_code"])
    return {k: frozenset(v) for k, v in out.items()}
