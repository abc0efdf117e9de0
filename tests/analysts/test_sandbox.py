"""The SQL console's sandbox (docs/quality-targets.md, Security): hostile queries are refused and
leave the published warehouse — and every other file — exactly as they were; runaway
queries are stopped; the operational DB cannot be reached; benign queries work."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from seiton.warehouse import reader
from seiton.warehouse.checksums import relation_checksums
from seiton.warehouse.reader import QueryFailed, QueryRefused, QueryTimeout, run_query

from .conftest import snapshot

R, F = QueryRefused, QueryFailed
# (id, query, expected error, fragment of its message). {op}: the operational SQLite DB,
# {out}: a folder outside the warehouse, {pub}: the published file, {home}: SEITON_HOME.
HOSTILE: list[tuple[str, str, type[Exception], str]] = [
    # other statements than SELECT
    ("attach-operational", "attach '{op}' as op", R, "ATTACH"),
    ("attach-operational-sqlite", "attach '{op}' as op (type sqlite)", R, "ATTACH"),
    ("attach-read-write", "attach '{out}/new.duckdb' as w", R, "ATTACH"),
    ("detach", "detach database warehouse", R, "DETACH"),
    ("copy-to-file", "copy (select * from marts.fct_billing_charges) to '{out}/leak.csv'", R, "COPY"),
    ("copy-table-parquet", "copy marts.fct_billing_charges to '{out}/leak.parquet' (format parquet)",
     R, "COPY"),
    ("export-database", "export database '{out}/dump'", R, "EXPORT"),
    ("install", "install sqlite", R, "LOAD"),
    ("load", "load sqlite", R, "LOAD"),
    ("set-external-access", "set enable_external_access = true", R, "SET"),
    ("set-memory", "set memory_limit = '100GB'", R, "SET"),
    ("reset-lock", "reset lock_configuration", R, "SET"),
    ("use-other-db", "use memory", R, "SET"),
    ("pragma", "pragma database_list", R, "PRAGMA"),
    ("call", "call pragma_version()", R, "CALL"),
    ("checkpoint-statement", "checkpoint", R, "CALL"),
    ("explain-analyze", "explain analyze select * from marts.fct_billing_charges", R, "EXPLAIN"),
    ("create-table", "create table marts.leak as select 1 as x", R, "CREATE"),
    ("create-secret", "create secret s (type s3, key_id 'k', secret 'x')", R, "CREATE"),
    ("create-macro", "create macro read_op() as table select 1", R, "CREATE"),
    ("insert", "insert into marts.kpi_monthly select * from marts.kpi_monthly", R, "INSERT"),
    ("update", "update marts.fct_billing_charges set total = 0", R, "UPDATE"),
    ("delete", "delete from marts.fct_billing_charges", R, "DELETE"),
    ("drop", "drop table marts.fct_billing_charges", R, "DROP"),
    ("alter", "alter table marts.fct_billing_charges add column x int", R, "ALTER"),
    ("transaction", "begin transaction", R, "TRANSACTION"),
    ("vacuum", "vacuum", R, "VACUUM"),
    # a second statement, however it is hidden
    ("two-statements", "select 1; drop table marts.fct_billing_charges", R, "one statement"),
    ("comment-then-attach", "select 1 /* ; */ ; attach '{op}' as op", R, "one statement"),
    ("line-comment-then-create", "select 1; -- harmless\ncreate table marts.x as select 1", R,
     "one statement"),
    ("select-then-copy", "select 1 ;\n copy marts.kpi_monthly to '{out}/k.csv'", R, "one statement"),
    # file access from inside a SELECT
    ("read-text-operational", "select * from read_text('{op}')", R, "read_text"),
    ("read-blob-operational", "select * from read_blob('{op}')", R, "read_blob"),
    ("read-csv-passwd", "select * from read_csv('/etc/passwd')", R, "read_csv"),
    ("read-parquet", "select * from read_parquet('{out}/x.parquet')", R, "read_parquet"),
    ("read-json", "select * from read_json_auto('{home}/refresh_status.json')", R, "read_json_auto"),
    ("read-duckdb-self", "select * from read_duckdb('{pub}')", R, "read_duckdb"),
    ("sqlite-scan", "select * from sqlite_scan('{op}', 'users')", R, "sqlite_scan"),
    ("glob-home", "select * from glob('{home}/*')", R, "glob"),
    ("sniff-csv", "select * from sniff_csv('{op}')", R, "sniff_csv"),
    ("parquet-metadata", "select * from parquet_metadata('{out}/x.parquet')", R, "parquet_metadata"),
    ("quoted-function-name", "select * from \"read_text\"('{op}')", R, "read_text"),
    ("uppercase-function", "SELECT * FROM READ_BLOB('{op}')", R, "read_blob"),
    ("in-cte", "with t as (select * from read_blob('{op}')) select * from t", R, "read_blob"),
    ("in-lambda", "select list_transform(['{op}'], f -> (select content from read_text(f)))", R,
     "read_text"),
    ("in-subquery", "select (select count(*) from read_text('{op}')) as n", R, "read_text"),
    # dynamic SQL, settings, secrets, environment
    ("query-attach", "select * from query('attach ''{op}'' as op')", R, "query"),
    ("query-read", "select * from query('select * from read_text(''{op}'')')", R, "query"),
    ("query-table", "select * from query_table('marts.fct_billing_charges')", R, "query_table"),
    ("serialized-sql", "select * from json_execute_serialized_sql(json_serialize_sql('select 1'))",
     R, "json_execute_serialized_sql"),
    ("getenv", "select getenv('SEITON_OPERATIONAL_URL')", R, "getenv"),
    ("secrets", "select * from duckdb_secrets()", R, "duckdb_secrets"),
    ("extensions", "select * from duckdb_extensions()", R, "duckdb_extensions"),
    ("pragma-function", "select * from pragma_storage_info('marts.fct_billing_charges')", R,
     "pragma_storage_info"),
    ("checkpoint-function", "select * from checkpoint()", R, "checkpoint"),
    ("enable-logging-to-file",
     "select * from enable_logging(storage = 'file', storage_path = '{out}/log')", R,
     "enable_logging"),
    ("enable-profiling-to-file",
     "select * from enable_profiling(save_location = '{out}/profile.json')", R, "enable_profiling"),
    # what the name check lets through, the engine still stops
    ("replacement-scan-operational", "select * from '{op}'", F, "{op}"),
    ("replacement-scan-csv", "select * from '{home}/refresh_status.json'", F, ""),
]


def _sql(template: str, wh: dict[str, Path]) -> str:
    return template.format(op=wh["operational"], out=wh["outside"], pub=wh["published"],
                           home=wh["home"])


@pytest.mark.parametrize(("sql", "error", "fragment"), [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_hostile_query_is_refused_and_changes_nothing(analyst_home, sql, error, fragment):
    wh = analyst_home
    files_before = snapshot(wh["root"])
    checksums_before = relation_checksums(wh["published"])
    with pytest.raises(error) as info:
        run_query(_sql(sql, wh), limit=100)
    assert _sql(fragment, wh).lower() in str(info.value).lower()
    assert relation_checksums(wh["published"]) == checksums_before
    assert snapshot(wh["root"]) == files_before  # published file, build, SQLite, outside/


def test_at_least_twenty_hostile_queries():
    assert len(HOSTILE) >= 20
    assert len({h[0] for h in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("sql", [
    "select * from read_text('{op}')",
    "select * from read_blob('{op}')",
    "select * from glob('{home}/*')",
    "select * from read_csv('{op}')",
    "select * from '{op}'",
    "attach '{op}' as op",
    "select * from query('select * from read_text(''{op}'')')",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "select * from enable_logging(storage = 'file', storage_path = '{out}/log')",
    "select * from duckdb_secrets()",
    "copy (select 1) to '{out}/x.csv'",
], ids=lambda s: s.split("(")[0][:40])
def test_engine_sandbox_holds_without_the_statement_check(analyst_home, sql):
    """Second line of defence: even a query that skipped check_read_only cannot read files,
    attach the operational DB, change settings or write."""
    wh = analyst_home
    before = snapshot(wh["root"])
    with reader.connect(wh["published"], sandbox=True) as con, pytest.raises(duckdb.Error):
        con.execute(_sql(sql, wh)).fetchall()
    assert snapshot(wh["root"]) == before


def test_operational_db_is_unreachable(analyst_home):
    """The operational SQLite file: not by attach, not by any reader, and its URL is not even
    in the query process's environment."""
    wh = analyst_home
    for template in ("attach '{op}' as op", "attach 'sqlite:{op}' as op",
                     "select * from read_blob('{op}')", "select * from read_text('{op}')",
                     "select * from sqlite_scan('{op}', 'users')",
                     "select * from read_csv('{op}', all_varchar = true)"):
        with pytest.raises(QueryRefused):
            run_query(_sql(template, wh))
    with pytest.raises(QueryFailed) as info:
        run_query(_sql("select * from '{op}'", wh))
    assert "argon2-secret-hash" not in str(info.value)
    assert not any("OPERATIONAL" in k or "PASSWORD" in k for k in reader._child_env())


def test_settings_are_locked_and_harmless_to_read(analyst_home):
    cols, rows = run_query("select name, value from duckdb_settings() where name in "
                           "('enable_external_access', 'lock_configuration', 'temp_directory', "
                           "'autoload_known_extensions', 'memory_limit')")
    settings = dict(rows)
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["autoload_known_extensions"] == "false"
    assert settings["temp_directory"] == ""  # no spilling beside the warehouse
    _, rows = run_query("select current_setting('enable_external_access')")
    assert rows == [(False,)]


def test_runaway_query_is_stopped_by_the_time_limit(analyst_home):
    wh = analyst_home
    before = snapshot(wh["root"])
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run_query("select count(*) from range(100000) as a, range(100000) as b "
                  "where a.range + b.range = 3", time_limit_ms=500)
    # the 500 ms limit plus the query process's start-up; never the minutes the join needs
    assert time.monotonic() - started < 500 / 1000 + reader.STARTUP_GRACE_S
    assert snapshot(wh["root"]) == before


def test_a_query_deaf_to_interrupts_is_killed_at_the_deadline(analyst_home, monkeypatch):
    """One function call building a 1.5 GB string ignores DuckDB's max_execution_time; the
    query process is killed at the hard deadline instead."""
    monkeypatch.setattr(reader, "STARTUP_GRACE_S", 5.0)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run_query("select length(lpad('x', 1500000000, 'y'))", time_limit_ms=500)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("sql", [
    "select list(range) from range(400000000)",
    "select range(400000000) as r",
])
def test_memory_hungry_query_fails_cleanly(analyst_home, sql):
    wh = analyst_home
    before = snapshot(wh["root"])
    with pytest.raises(QueryFailed) as info:
        run_query(sql, time_limit_ms=10_000)
    assert not isinstance(info.value, QueryTimeout) or "limit" in str(info.value)
    assert snapshot(wh["root"]) == before  # no spill files either


def test_benign_queries_work(analyst_home):
    cols, rows = run_query("select contract_number, period_start, total from "
                           "marts.fct_billing_charges order by contract_number, period_start;")
    assert cols == ["contract_number", "period_start", "total"]
    assert rows[0][0] == "CON-000001" and rows[0][2] == Decimal("1160.00")
    assert len(rows) == 3
    _, rows = run_query("select bucket, sum(open_amount) from marts.ar_aging(date '2026-03-31') "
                        "group by bucket order by bucket")
    assert rows == [("1-30", Decimal("1392.58")), ("31+", Decimal("1160.00")),
                    ("current", Decimal("580.00"))]
    _, rows = run_query("-- a comment first\nwith k as (select * from marts.kpi_monthly) "
                        "select count(*) from k ; ; ")
    assert rows == [(2,)]
    _, rows = run_query("select * from range(1000000000)", limit=5)  # streamed, not materialised
    assert len(rows) == 5
    _, rows = run_query("pivot marts.kpi_monthly on status in ('green', 'amber') using sum(value) "
                        "group by kpi_code")
    assert rows == [("dso", Decimal("41.5000"), Decimal("47.0000"))]
    cols, rows = run_query("describe marts.kpi_monthly")
    assert "column_name" in cols and len(rows) == 6
    _, rows = run_query("select relation from meta.relations where kind = 'table_macro'")
    assert rows == [("marts.ar_aging",)]


def test_values_survive_the_trip_from_the_query_process(analyst_home):
    _, rows = run_query("select timestamptz '2026-01-01 10:00:00+00' as ts, interval 3 day as i, "
                        "uuid() as u, {'a': 1} as s, [1, 2] as l, 'x'::blob as b, "
                        "1.50::decimal(18, 2) as d, date '2026-03-31' as day, null as n")
    ts, interval, uuid, struct, lst, blob, dec, day, null = rows[0]
    assert ts.year == 2026 and ts.tzinfo is not None
    assert interval.days == 3 and struct == {"a": 1} and lst == [1, 2] and blob == b"x"
    assert dec == Decimal("1.50") and str(day) == "2026-03-31" and null is None
    assert len(str(uuid)) == 36


def test_errors_name_the_problem(analyst_home):
    with pytest.raises(QueryFailed) as info:
        run_query("select no_such_column from marts.fct_billing_charges")
    assert "no_such_column" in str(info.value)
    with pytest.raises(QueryRefused, match="cannot parse"):
        run_query("selec 1")
    with pytest.raises(QueryRefused, match="one statement"):
        run_query("")
    with pytest.raises(QueryRefused, match="PIVOT"):
        run_query("pivot marts.kpi_monthly on status using sum(value)")


def test_missing_warehouse_is_reported(tmp_path):
    with pytest.raises(reader.WarehouseUnavailable):
        run_query("select 1", path=tmp_path / "nope.duckdb")


def test_dashboards_trusted_path_still_works(analyst_home):
    frame = reader.query_df("select stage_code from marts.dim_stage where stage_id = ?", [5])
    assert frame["stage_code"].tolist() == ["billing"]
