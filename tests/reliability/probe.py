"""Readers of the published warehouse that run in their own process while refreshes (and
kills) happen, checking that every answer comes from one complete publish.

A read opens a short-lived read-only connection through `seiton.warehouse.reader` (as the
dashboards do) and checks, in that one connection:
- `meta.publish_info` has one row, with the publish's manifest (rows per relation);
- the marts present are exactly those of the manifest, each with its manifest row count;
- a query joining two marts (charges × contracts) agrees with the manifest.
The console mode sends one query through `run_query` (the SQL console's sandboxed child
process) that carries both the manifest and the joined count, and checks them together.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

JOIN_SQL = (
    "select count(*) from marts.fct_billing_charges c "
    "join marts.dim_contract d on d.contract_number = c.contract_number"
)
JOIN_RELATION = "marts.fct_billing_charges"
# `make test` paces the readers so that they leave the refresh a core; `make stress`
# reads as fast as it can
STRESS = os.environ.get("SEITON_STRESS", "").lower() in {"1", "true", "yes"}
DIRECT_PAUSE_S = 0.02 if STRESS else 0.2
CONSOLE_PAUSE_S = 0.5 if STRESS else 3.0
CONSOLE_SQL = (
    "select (select details from meta.publish_info) as details, "
    "(select published_at from meta.publish_info) as published_at, "
    "(select count(*) from marts.fct_billing_charges c "
    "join marts.dim_contract d on d.contract_number = c.contract_number) as joined"
)


def check_complete(con) -> tuple[str, int]:
    """Raise AssertionError unless the connection sees one complete publish; returns
    (published_at, relations checked)."""
    rows = con.execute("select published_at, details from meta.publish_info").fetchall()
    assert len(rows) == 1, f"meta.publish_info has {len(rows)} rows"
    published_at, details = rows[0]
    manifest = json.loads(details)["relations"]
    present = {f"marts.{r[0]}" for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    ).fetchall()}
    assert present == set(manifest), f"marts differ from the manifest: {present ^ set(manifest)}"
    for relation, expected in manifest.items():
        schema, name = relation.split(".", 1)
        got = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]  # noqa: S608
        assert got == expected, f"{relation}: {got} rows, manifest {expected}"
    joined = con.execute(JOIN_SQL).fetchone()[0]
    assert joined == manifest[JOIN_RELATION], (
        f"join gives {joined}, manifest {manifest[JOIN_RELATION]}")
    return str(published_at), len(manifest)


def _read_direct(path: Path) -> str:
    from seiton.warehouse.reader import connect

    with connect(path) as con:
        return check_complete(con)[0]


def _read_console(path: Path) -> str:
    from seiton.warehouse.reader import run_query

    columns, rows = run_query(CONSOLE_SQL, path=path)
    (details, published_at, joined), = rows
    manifest = json.loads(details)["relations"]
    assert joined == manifest[JOIN_RELATION], (
        f"console join gives {joined}, manifest {manifest[JOIN_RELATION]}")
    return str(published_at)


def probe_loop(path: str, mode: str, pause_s: float, stop, out) -> None:
    """Child process body: read until `stop` is set, then put a summary on `out`."""
    read = _read_console if mode == "console" else _read_direct
    if mode == "console":
        # a child process per query costs most of a core for a second: on a 2-core machine
        # a faster pace would slow the very refresh being probed
        pause_s = max(pause_s, CONSOLE_PAUSE_S)
    reads, errors, versions = 0, [], {}
    worst = 0.0
    while not stop.is_set():
        t = time.perf_counter()
        try:
            version = read(Path(path))
            reads += 1
            versions[version] = versions.get(version, 0) + 1
        except BaseException as exc:  # noqa: BLE001 - every failure is a finding
            errors.append(f"{type(exc).__name__}: {str(exc).strip()[:300]}")
        worst = max(worst, time.perf_counter() - t)
        time.sleep(pause_s)
    out.put({"mode": mode, "reads": reads, "errors": errors[:20], "error_count": len(errors),
             "versions": versions, "slowest_s": round(worst, 3)})


@dataclass
class Probes:
    """Reader processes (`direct` and/or `console`) over one published warehouse."""

    path: Path
    modes: tuple[str, ...] = ("direct",)
    pause_s: float = DIRECT_PAUSE_S
    results: list[dict] = field(default_factory=list)

    def __enter__(self) -> Probes:
        ctx = mp.get_context("spawn")
        self._stop = ctx.Event()
        self._out = ctx.Queue()
        self._procs = [ctx.Process(target=probe_loop, daemon=True,
                                   args=(str(self.path), m, self.pause_s, self._stop, self._out))
                       for m in self.modes]
        for p in self._procs:
            p.start()
        return self

    def stop(self) -> list[dict]:
        if self.results:
            return self.results
        self._stop.set()
        for _ in self._procs:
            self.results.append(self._out.get(timeout=120))
        for p in self._procs:
            p.join(30)
        return self.results

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            for p in self._procs:
                if p.is_alive():
                    p.kill()

    @property
    def reads(self) -> int:
        return sum(r["reads"] for r in self.results)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.results for e in r["errors"]]

    @property
    def error_count(self) -> int:
        return sum(r["error_count"] for r in self.results)

    @property
    def versions(self) -> set[str]:
        return {v for r in self.results for v in r["versions"]}
