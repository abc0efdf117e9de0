"""`seiton sql "QUERY" [--format table|csv|json]` (docs/contract.md)."""

from __future__ import annotations

import csv
import io
import json

from seiton.cli import main

QUERY = ("select contract_number, period_start, total, note from marts.fct_billing_charges "
         "order by contract_number, period_start")


def test_table_format(analyst_home, capsys):
    assert main(["sql", QUERY]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(" | ")[0].strip() == "contract_number"
    assert set(lines[1]) <= {"-", "+"}
    assert "1160.00" in lines[2] and "2026-01-01" in lines[2]
    assert lines[-1] == "(3 rows)"


def test_csv_format(analyst_home, capsys):
    assert main(["sql", QUERY, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["contract_number", "period_start", "total", "note"]
    assert rows[1] == ["CON-000001", "2026-01-01", "1160.00", "ok"]
    assert len(rows) == 4


def test_json_format(analyst_home, capsys):
    assert main(["sql", "select * from marts.ar_aging(date '2026-03-31') order by invoice_number",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {"invoice_number": "F-1", "account_code": "ACME", "due_on": "2026-01-31",
                       "open_amount": "1160.00", "days_past_due": 59, "bucket": "31+",
                       "bucket_order": 2}
    assert len(data) == 3


def test_refused_query_exits_non_zero_with_one_line(analyst_home, capsys):
    assert main(["sql", f"attach '{analyst_home['operational']}' as op"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("seiton sql: ") and "ATTACH" in err[0]


def test_failing_query_exits_non_zero_with_one_line(analyst_home, capsys):
    assert main(["sql", "select nope from marts.kpi_monthly"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope" in err[0]


def test_no_published_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    assert main(["sql", "select 1"]) == 1
    assert "seiton refresh" in capsys.readouterr().err
