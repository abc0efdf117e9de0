"""The data dictionary published with the marts: `meta.relations` and `meta.columns`.

What exists comes from the published file itself (tables, their real column types, the table
macros); what it means comes from dbt's manifest.json (descriptions, lineage). A relation's
value-chain stages are those of the operational tables it reads, transitively, through the
seed `transaction_types` (every transaction type maps to one stage: docs/operational-app.md), unless
the model says otherwise with `meta: {stage: ...}`.

Publish calls `write_dictionary` while the new file is still private, so the dictionary
always describes exactly the marts published with it. Without a manifest the tables are
still listed, with empty descriptions.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from seiton.config import DBT_PROJECT_DIR

RELATIONS_DDL = """
create or replace table meta.relations (
    relation varchar not null,      -- schema.name, as analysts query it
    schema_name varchar not null,
    name varchar not null,
    kind varchar not null,          -- table | view | table_macro | macro
    parameters varchar,             -- a macro's parameters, e.g. 'as_of'
    description varchar,
    stages varchar[],               -- value-chain stage codes, chain order
    depends_on varchar[],           -- direct parents: schema.name (sources: raw.table)
    sources varchar[],              -- operational tables read, transitively (not via context
                                    -- models such as int_as_of_date)
    row_count bigint,
    contract_enforced boolean,
    dbt_unique_id varchar,          -- the dbt node (a macro: the model whose post-hook makes it)
    file_path varchar               -- that node's file
)
"""
COLUMNS_DDL = """
create or replace table meta.columns (
    relation varchar not null,
    column_name varchar not null,
    ordinal_position integer not null,
    data_type varchar,
    is_nullable boolean,
    description varchar,
    label_es varchar,               -- what the dashboards call the column (YAML meta.label)
    label_en varchar,
    unit varchar                    -- MXN | currency | % | days | pages (YAML meta.unit)
)
"""


def load_manifest(path: Path | None) -> dict | None:
    """The manifest, or None when missing or unreadable (the dictionary then lists the
    relations without descriptions rather than failing the publish)."""
    if path is None:
        return None
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and "nodes" in manifest else None


def transaction_stages(con: duckdb.DuckDBPyConnection | None = None, catalog: str | None = None,
                       manifest: dict | None = None,
                       seeds_dir: Path = DBT_PROJECT_DIR / "seeds") -> dict[str, str]:
    """operational table → stage code, in chain order (the seed `transaction_types`): as built
    in `catalog` when it holds the seed, else the project's CSV."""
    seed = (manifest or {}).get("nodes", {}).get("seed.seiton.transaction_types")
    if con is not None and catalog and seed:
        try:
            table = f"{_q(catalog)}.{_q(seed['schema'])}.{_q(seed.get('alias') or seed['name'])}"
            rows = con.execute(
                f"select transaction_type, stage_code from {table}"  # noqa: S608 - quoted names
            ).fetchall()
            return _in_chain_order(rows)
        except duckdb.Error:
            pass
    path = seeds_dir / "transaction_types.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return _in_chain_order((r["transaction_type"], r["stage_code"]) for r in csv.DictReader(fh))


STAGE_ORDER = ("sales", "formalization", "implementation", "operation", "billing", "renewal")
# Models that give context, not content: the business "today" (int_as_of_date) reads every
# dated table, so following it would tie every as-of mart to all six stages. A model can
# join them with `meta: {lineage: context}`. They stay listed in depends_on.
CONTEXT_MODELS = frozenset({"int_as_of_date"})


def _in_chain_order(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    pairs = sorted(rows, key=lambda r: (STAGE_ORDER.index(r[1]) if r[1] in STAGE_ORDER else 99, r[0]))
    return dict(pairs)


def build_dictionary(con: duckdb.DuckDBPyConnection, schemas: Iterable[str],
                     manifest: dict | None, stage_of_table: dict[str, str],
                     row_counts: dict[str, int] | None = None) -> tuple[list[tuple], list[tuple]]:
    """(relation rows, column rows) for every table, view and macro of `schemas` in the
    connection's current database."""
    index = _ManifestIndex(manifest or {})
    row_counts = row_counts or {}
    relations: list[tuple] = []
    columns: list[tuple] = []
    schemas = list(schemas)
    tables = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_catalog = current_database() and list_contains(?, table_schema) "
        "order by table_schema, table_name", [schemas]).fetchall()
    for schema, name, table_type in tables:
        relation = f"{schema}.{name}"
        node = index.relation_node(schema, name)
        kind = "view" if "VIEW" in (table_type or "").upper() else "table"
        relations.append(_relation_row(relation, schema, name, kind, None, node, index,
                                       stage_of_table, row_counts.get(relation)))
        described = index.column_descriptions(node)
        labels = column_labels(node)
        for col, pos, dtype, nullable in con.execute(
                "select column_name, ordinal_position, data_type, is_nullable = 'YES' "
                "from information_schema.columns where table_catalog = current_database() "
                "and table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall():
            columns.append((relation, col, pos, dtype, nullable, described.get(col.lower()),
                            *labels.get(col.lower(), NO_LABEL)))
    macros = con.execute(
        "select schema_name, function_name, function_type, parameters from duckdb_functions() "
        "where database_name = current_database() and list_contains(?, schema_name) "
        "and function_type in ('macro', 'table_macro') order by schema_name, function_name",
        [schemas]).fetchall()
    for schema, name, kind, params in macros:
        relation = f"{schema}.{name}"
        creator = index.macro_creator(name)
        description = index.doc_for(name) or (
            f"Table macro {relation}({', '.join(params)}), created by {creator['schema']}."
            f"{creator['alias']}'s post-hook." if creator else None)
        relations.append(_relation_row(relation, schema, name, kind, ", ".join(params), creator,
                                       index, stage_of_table, None, description=description))
        if kind == "table_macro":
            described = index.column_descriptions(creator)
            labels = column_labels(creator)
            for pos, (col, dtype, nullable) in enumerate(_macro_columns(con, schema, name, params), 1):
                columns.append((relation, col, pos, dtype, nullable, described.get(col.lower()),
                                *labels.get(col.lower(), NO_LABEL)))
    return relations, columns


def write_dictionary(con: duckdb.DuckDBPyConnection, schemas: Iterable[str],
                     manifest_path: Path | None, *, catalog_with_seeds: str | None = None,
                     row_counts: dict[str, int] | None = None) -> int:
    """Create meta.relations and meta.columns in the connection's current database; returns
    the number of relations described."""
    manifest = load_manifest(manifest_path)
    stages = transaction_stages(con, catalog_with_seeds, manifest)
    relations, columns = build_dictionary(con, schemas, manifest, stages, row_counts)
    con.execute("create schema if not exists meta")
    con.execute(RELATIONS_DDL)
    con.execute(COLUMNS_DDL)
    if relations:
        con.executemany("insert into meta.relations values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        relations)
    if columns:
        con.executemany("insert into meta.columns values (?, ?, ?, ?, ?, ?, ?, ?, ?)", columns)
    return len(relations)


NO_LABEL = (None, None, None)
UNITS = ("MXN", "currency", "%", "days", "pages")


def column_labels(node: dict | None) -> dict[str, tuple[str | None, str | None, str | None]]:
    """column (lower case) → (label_es, label_en, unit) from the model's YAML: a column's
    `meta: {label: {es: ..., en: ...}, unit: ...}` (docs/conventions.md, "Column labels and
    units"); dbt puts it under the column's `meta` and `config.meta`."""
    found = {}
    for name, column in ((node or {}).get("columns") or {}).items():
        meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
        label = meta.get("label") or {}
        if label or meta.get("unit"):
            found[name.lower()] = (label.get("es"), label.get("en"), meta.get("unit"))
    return found


def yaml_column_labels(models_dir: Path = DBT_PROJECT_DIR / "models" / "marts"
                       ) -> dict[str, dict[str, tuple[str | None, str | None, str | None]]]:
    """model → column_labels, read from the marts' YAML files themselves (no manifest): for a
    warehouse published before its dictionary carried labels, and for checks of the YAML."""
    import yaml

    found: dict[str, dict] = {}
    for path in sorted(models_dir.rglob("_*__models.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            columns = {c["name"]: c for c in model.get("columns") or [] if "name" in c}
            labels = column_labels({"columns": columns})
            if labels:
                found[model["name"]] = labels
    return found


def _relation_row(relation, schema, name, kind, params, node, index, stage_of_table, rows,
                  description=None) -> tuple:
    sources = index.upstream_sources(node)
    return (
        relation, schema, name, kind, params,
        description if description is not None else (node or {}).get("description") or None,
        index.stages(node, sources, stage_of_table),
        index.parents(node),
        sources,
        rows,
        ((node or {}).get("config", {}).get("contract") or {}).get("enforced")
        if node and kind in {"table", "view"} else None,
        (node or {}).get("unique_id"),
        (node or {}).get("original_file_path"),
    )


def _macro_columns(con, schema: str, name: str, params: list[str]) -> list[tuple]:
    """A table macro's output columns, found by describing a call with NULL arguments."""
    args = ", ".join("null" for _ in params)
    try:
        call = f"{_q(schema)}.{_q(name)}({args})"
        rows = con.execute(f"describe select * from {call}").fetchall()  # noqa: S608 - quoted
    except duckdb.Error:
        return []
    return [(r[0], r[1], r[2] == "YES") for r in rows]


class _ManifestIndex:
    def __init__(self, manifest: dict) -> None:
        self.nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
        self.macros = manifest.get("macros", {})
        self.docs = manifest.get("docs", {})
        self.by_relation = {
            (n.get("schema"), n.get("alias") or n.get("name")): n
            for n in manifest.get("nodes", {}).values()
            if n.get("resource_type") in {"model", "seed", "snapshot"}
        }

    def relation_node(self, schema: str, name: str) -> dict | None:
        return self.by_relation.get((schema, name))

    @staticmethod
    def column_descriptions(node: dict | None) -> dict[str, str]:
        return {c.lower(): v.get("description") or None
                for c, v in ((node or {}).get("columns") or {}).items()}

    def label(self, unique_id: str) -> str | None:
        node = self.nodes.get(unique_id)
        if node is None:
            return None
        if node.get("resource_type") == "source":
            return f"{node.get('schema')}.{node.get('identifier') or node.get('name')}"
        return f"{node.get('schema')}.{node.get('alias') or node.get('name')}"

    def parents(self, node: dict | None) -> list[str]:
        ids = ((node or {}).get("depends_on") or {}).get("nodes") or []
        return sorted({label for i in ids if (label := self.label(i))})

    def upstream_sources(self, node: dict | None) -> list[str]:
        """Operational tables (source identifiers) the node reads, transitively, except
        through context models."""
        seen: set[str] = set()
        found: set[str] = set()
        stack = list(((node or {}).get("depends_on") or {}).get("nodes") or [])
        while stack:
            uid = stack.pop()
            if uid in seen:
                continue
            seen.add(uid)
            parent = self.nodes.get(uid)
            if parent is None or _is_context(parent):
                continue
            if parent.get("resource_type") == "source":
                found.add(parent.get("identifier") or parent.get("name"))
            else:
                stack.extend((parent.get("depends_on") or {}).get("nodes") or [])
        return sorted(found)

    @staticmethod
    def stages(node: dict | None, sources: list[str], stage_of_table: dict[str, str]) -> list[str]:
        meta = {**((node or {}).get("meta") or {}), **((node or {}).get("config", {}).get("meta") or {})}
        declared = meta.get("stage") or meta.get("stages")
        if declared:
            return [declared] if isinstance(declared, str) else list(declared)
        used = {stage_of_table[s] for s in sources if s in stage_of_table}
        order = list(dict.fromkeys(stage_of_table.values()))
        return sorted(used, key=order.index)

    def doc_for(self, name: str) -> str | None:
        """A doc block or a documented dbt macro named like the table macro."""
        for uid, doc in self.docs.items():
            if uid.rsplit(".", 1)[-1] == name and doc.get("block_contents"):
                return doc["block_contents"].strip()
        for uid, macro in self.macros.items():
            if uid.rsplit(".", 1)[-1] == name and macro.get("description"):
                return macro["description"]
        return None

    def macro_creator(self, name: str) -> dict | None:
        """The model whose post-hook creates the DuckDB macro `name` (create_<name>_macro)."""
        exact = re.compile(rf"\bcreate_{re.escape(name)}_macro\b|\.{re.escape(name)}\s*\(")
        loose = re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")
        hooked = []
        for node in self.by_relation.values():
            hooks = (node.get("config") or {}).get("post-hook") or []
            hook_sql = " ".join(h.get("sql", "") if isinstance(h, dict) else str(h) for h in hooks)
            if hook_sql:
                macros = " ".join(m.rsplit(".", 1)[-1] for m in
                                  (node.get("depends_on") or {}).get("macros") or [])
                hooked.append((node, f"{hook_sql} {macros}"))
        for pattern in (exact, loose):
            for node, text in hooked:
                if pattern.search(text):
                    return node
        return None


def _is_context(node: dict) -> bool:
    meta = {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}
    return node.get("name") in CONTEXT_MODELS or meta.get("lineage") == "context"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
