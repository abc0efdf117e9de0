"""The warehouse's layers flow one way (docs/conventions.md, "dbt"): staging reads sources
and seeds, intermediate reads staging, seeds and other intermediates, marts read anything
below them. A model that refs a model of a higher layer fails here, naming both."""

from __future__ import annotations

import re
from pathlib import Path

DBT = Path(__file__).resolve().parents[2] / "dbt_project"
LAYERS = ("staging", "intermediate", "marts")
REF = re.compile(r"""\bref\(\s*['"]([a-z0-9_]+)['"]\s*\)""")


def models_by_layer() -> dict[str, str]:
    layer_of = {}
    for layer in LAYERS:
        for sql in (DBT / "models" / layer).rglob("*.sql"):
            layer_of[sql.stem] = layer
    return layer_of


def backward_refs() -> list[str]:
    layer_of = models_by_layer()
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    found = []
    for name, layer in sorted(layer_of.items()):
        path = next((DBT / "models" / layer).rglob(f"{name}.sql"))
        for target in REF.findall(path.read_text(encoding="utf-8")):
            if target in layer_of and rank[layer_of[target]] > rank[layer]:
                found.append(f"{layer}/{name} reads {layer_of[target]}/{target}")
    return found


def test_every_layer_is_found() -> None:
    layer_of = models_by_layer()
    assert {layer: sum(1 for v in layer_of.values() if v == layer) > 10 for layer in LAYERS} \
        == dict.fromkeys(LAYERS, True)
    assert layer_of["fct_kpi_records__win_rate"] == "marts"


def test_no_model_reads_a_layer_above_its_own() -> None:
    assert backward_refs() == []
