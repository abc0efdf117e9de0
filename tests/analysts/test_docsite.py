"""`seiton docs`: dbt's docs site, built under $SEITON_HOME and working offline."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from pathlib import Path

import duckdb
import pytest

from seiton.cli import main
from seiton.warehouse import docsite


def _site(target: Path, *, tracking: bool = False) -> Path:
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DOCS_INDEX_FILE_PATH, target / "index.html")
    (target / "manifest.json").write_text(json.dumps(
        {"metadata": {"send_anonymous_usage_stats": tracking}, "nodes": {}}))
    (target / "catalog.json").write_text(json.dumps({"nodes": {}, "sources": {}}))
    return target


def test_dbt_index_html_is_self_contained(tmp_path):
    """dbt's page inlines its scripts and styles: nothing to fetch but the two JSON files."""
    assert docsite.offline_problems(_site(tmp_path / "site")) == []


def test_tracking_would_load_a_cdn_script(tmp_path):
    problems = docsite.offline_problems(_site(tmp_path / "site", tracking=True))
    assert any("tracking" in p for p in problems)


def test_an_external_script_is_caught(tmp_path):
    site = _site(tmp_path / "site")
    index = site / "index.html"
    index.write_text(index.read_text() + '<script src="https://cdn.example.com/x.js"></script>')
    assert any("from the network" in p
               for p in docsite.offline_problems(site))


def test_the_server_serves_the_site_locally(tmp_path):
    site = _site(tmp_path / "site")
    server = docsite.make_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as resp:
            assert resp.status == 200 and b"dbt" in resp.read(5000)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/manifest.json", timeout=10) as resp:
            assert json.loads(resp.read())["metadata"]["send_anonymous_usage_stats"] is False
    finally:
        server.shutdown()
        server.server_close()


def test_seiton_docs_builds_the_real_project(tmp_path, monkeypatch, capsys):
    """`seiton docs --no-serve` against a (here empty) build warehouse: dbt compiles the real
    project, writes the catalog and the static page under $SEITON_HOME/dbt_docs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SEITON_HOME", str(home))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    duckdb.connect(str(home / "warehouse.duckdb")).close()
    assert main(["docs", "--no-serve", "--quiet"]) == 0, capsys.readouterr().err
    site = home / "dbt_docs"
    assert (site / "static_index.html").exists()
    assert docsite.offline_problems(site) == []
    manifest = json.loads((site / "manifest.json").read_text())
    assert any(n.get("schema") == "marts" for n in manifest["nodes"].values())
    assert "dbt_docs" in capsys.readouterr().out


def test_seiton_docs_without_a_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    assert main(["docs", "--no-serve"]) == 1
    assert "seiton refresh" in capsys.readouterr().err


def test_seiton_docs_waits_for_no_refresh(tmp_path, monkeypatch, capsys):
    """While a refresh holds the lock, docs generation does not touch the build file."""
    from seiton.config import load_settings
    from seiton.warehouse.refresh import refresh_lock

    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    duckdb.connect(str(tmp_path / "warehouse.duckdb")).close()
    with refresh_lock(load_settings()):
        assert main(["docs", "--no-serve"]) == 1
    assert "refresh is running" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--no-serve"])
def test_docs_is_in_the_cli_help(flag, capsys):
    with pytest.raises(SystemExit):
        main(["docs", "--help"])
    out = capsys.readouterr().out
    assert flag in out and "--port" in out
