"""The CLI's contract (README.md "The CLI"; docs/contract.md): every command and option of
the README's table exists in the typer app, `seiton sql` prints the same shapes as before,
and the success lines come in the CLI's language (docs/conventions.md "Messages")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from seiton.cli import app, format_rows, main
from seiton.config import PROJECT_ROOT

# Commands the README's table does not show with every option, and the options they keep
# (scripts and the Makefile call them).
EXTRA_OPTIONS = {
    "demo-data": {"--if-empty", "--scale", "--seed", "--until"},
    "refresh": {"--quiet", "--full"},
    "bill": {"--no-refresh", "--quiet"},
    "import": {"--user", "--review"},
    "import-meters": {"--user"},
    "docs": {"--port", "--host", "--no-serve", "--quiet"},
    "serve": {"--refresh-minutes"},
    "user add": {"--display-name", "--actor"},
}
CHOICES = {("demo-data", "--scale"): {"tiny", "small", "medium", "large"},
           ("sql", "--format"): {"table", "csv", "json"},
           ("user add", "--role"): {"operator", "finance", "director", "analyst", "admin"},
           ("user add", "--area"): {"comercial", "operacion", "administracion", "finanzas"}}


def _readme_table() -> list[tuple[str, set[str]]]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The CLI", 1)[1].split("\n## ", 1)[0]
    rows = []
    for cell in re.findall(r"^\| `seiton ([^`]+)`", section, flags=re.M):
        words = cell.split()
        name = " ".join(words[:2]) if words[0] in ("cfdi", "user") else words[0]
        rows.append((name, set(re.findall(r"--[a-z-]+", cell))))
    return rows


def _command(path: str):
    cmd = typer.main.get_command(app)
    for part in path.split():
        cmd = cmd.commands[part]
    return cmd


def _options(cmd) -> dict[str, object]:
    return {opt: p for p in cmd.params for opt in getattr(p, "opts", ()) if opt.startswith("--")}


def test_the_readme_table_is_read():
    names = [name for name, _ in _readme_table()]
    assert {"init", "demo-data", "bill", "cfdi export", "import", "import-meters", "load",
            "build", "refresh", "serve", "sql", "user add", "docs", "backup", "restore",
            "doctor"} <= set(names), names


@pytest.mark.parametrize(("name", "options"), _readme_table())
def test_every_command_and_option_of_the_readme_exists(name: str, options: set[str]):
    cmd = _command(name)
    have = _options(cmd)
    missing = (options | EXTRA_OPTIONS.get(name, set())) - set(have)
    assert not missing, f"seiton {name}: {sorted(missing)}"
    for (where, option), values in CHOICES.items():
        if where == name:
            choices = getattr(have[option].type_descriptor, "choices", None)
            assert set(choices or ()) == values, (name, option, choices)


def test_the_arguments_keep_their_places():
    def args(name):
        return [p.name for p in _command(name).params if not getattr(p, "opts", [""])[0]
                .startswith("-")]

    assert args("bill") == ["period"] and args("cfdi export") == ["period"]
    assert args("sql") == ["query"] and args("user add") == ["name"]
    assert args("import") == ["dir"] and args("import-meters") == ["file"]
    assert args("restore") == ["path"]


@pytest.mark.parametrize(("argv", "code"), [
    (["demo-data", "--scale", "huge"], 2), (["nope"], 2), (["sql"], 2), ([], 2),
    (["user", "add", "ana", "--role", "boss"], 2), (["sql", "--help"], 0), (["--help"], 0)])
def test_usage_errors_exit_2_and_help_exits_0(argv, code, capsys):
    with pytest.raises(SystemExit) as exited:  # as argparse did
        main(argv)
    assert exited.value.code == code
    captured = capsys.readouterr()
    assert (captured.out if code == 0 else captured.err + captured.out).startswith("Usage: seiton")


def test_build_passes_unknown_options_to_dbt():
    cmd = typer.main.get_command(app)
    ctx = cmd.make_context("seiton", ["build"])
    sub = cmd.commands["build"].make_context("build", ["--select", "+kpi_monthly",
                                                       "--full-refresh"], parent=ctx)
    assert sub.params["dbt_args"] == ["--select", "+kpi_monthly", "--full-refresh"]


def test_sql_output_shapes_are_unchanged():
    from datetime import date
    from decimal import Decimal

    cols = ["contract_number", "period_start", "total", "note"]
    rows = [("CON-1", date(2026, 1, 1), Decimal("1160.00"), None),
            ("CON-2", date(2026, 2, 1), Decimal("5.50"), "ñ, \"x\"")]
    assert format_rows(cols, rows, "csv") == (
        "contract_number,period_start,total,note\n"
        "CON-1,2026-01-01,1160.00,\n"
        'CON-2,2026-02-01,5.50,"ñ, ""x"""\n')
    assert format_rows(cols, rows, "json") == (
        '[\n {\n  "contract_number": "CON-1",\n  "period_start": "2026-01-01",\n'
        '  "total": "1160.00",\n  "note": null\n },\n {\n  "contract_number": "CON-2",\n'
        '  "period_start": "2026-02-01",\n  "total": "5.50",\n  "note": "ñ, \\"x\\""\n }\n]\n')
    assert format_rows(["n"], [(1,)], "table") == "n\n-\n1\n(1 row)\n"


def test_sql_through_a_process_prints_plain_json(tmp_path: Path):
    """No colours, boxes or progress on stdout when it is not a terminal."""
    import json

    import duckdb

    home = tmp_path / "home"
    home.mkdir()
    with duckdb.connect(str(home / "warehouse.published.duckdb")) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 1 as n, 'a' as s")
    env = {"PATH": "/usr/bin:/bin", "SEITON_HOME": str(home), "SEITON_LANG": "en",
           "CI": "true"}
    done = subprocess.run([sys.executable, "-m", "seiton.cli", "sql",
                           "select n, s from marts.t", "--format", "json"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 1, "s": "a"}]
    assert "\x1b[" not in done.stdout and done.stderr == ""


@pytest.mark.parametrize(("lang", "line"), [
    ("es", "BD operacional lista: sqlite:///"), ("en", "operational DB ready: sqlite:///")])
def test_a_success_line_in_the_cli_language(seiton_home: Path, monkeypatch, capsys, lang, line):
    monkeypatch.setenv("SEITON_LANG", lang)
    assert main(["init"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(line), out
    assert out[1].startswith("almacén listo: " if lang == "es" else "warehouse ready: "), out


def test_doctor_in_english_reads_as_before(seiton_home: Path, monkeypatch, capsys):
    monkeypatch.setenv("SEITON_LANG", "en")
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert next(x for x in lines if "published warehouse" in x).startswith("FAIL  published")
    assert next(x for x in lines if "operational DB" in x).startswith("ok    operational DB ")
    assert "seiton doctor: failed: published warehouse, last refresh" in captured.err


def test_doctor_in_spanish(seiton_home: Path, monkeypatch, capsys):
    monkeypatch.setenv("SEITON_LANG", "es")
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert next(x for x in lines if "almacén publicado" in x).startswith("FALLA")
    assert lines[-1].startswith("seiton doctor: ") and "revisión(es) fallaron" in lines[-1]
    assert "seiton doctor: fallaron: almacén publicado" in captured.err
    assert not any(word in captured.out for word in ("published warehouse", "last refresh",
                                                    "healthy", "missing:"))


def test_backup_messages_in_spanish(seiton_home: Path, monkeypatch, capsys):
    monkeypatch.setenv("SEITON_LANG", "es")
    assert main(["restore", str(seiton_home / "nothing.db")]) == 1
    assert capsys.readouterr().err.strip() == \
        f"seiton restore: no hay archivo de respaldo en {seiton_home / 'nothing.db'}"
    monkeypatch.setenv("SEITON_LANG", "en")
    assert main(["restore", str(seiton_home / "nothing.db")]) == 1
    assert capsys.readouterr().err.strip() == \
        f"seiton restore: no backup file at {seiton_home / 'nothing.db'}"


def test_refresh_progress_lines_in_the_cli_language(monkeypatch):
    from operational_app.domain.messages import msg
    from seiton.cli import _in_lang

    shown: list[str] = []
    line = msg("[1/3] load: operational DB → warehouse raw (dlt)")
    for lang in ("es", "en"):
        monkeypatch.setenv("SEITON_LANG", lang)
        _in_lang(shown.append)(line)
    assert shown == ["[1/3] carga: BD operacional → almacén raw (dlt)",
                     "[1/3] load: operational DB → warehouse raw (dlt)"]
    assert str(line) == shown[1]  # the English line other callers print
