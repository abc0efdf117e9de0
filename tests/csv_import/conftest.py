"""Fixtures for the CSV import tests: the hand-written happy folder, a database that already
holds it (copied from one template per worker), and row counts of every table."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table

DATA = Path(__file__).parent / "data"
HAPPY = DATA / "happy"


def run_cli(*args: str) -> int:
    from seiton.cli import main

    return main(list(args))


def table_counts(url: str | None = None) -> dict[str, int]:
    """Rows of every table of the operational DB (audit_log included)."""
    from seiton.config import load_settings

    engine = create_engine(url or load_settings().operational_url)
    try:
        names = sorted(inspect(engine).get_table_names())
        with engine.connect() as con:
            return {n: con.execute(select(func.count()).select_from(table(n))).scalar_one()
                    for n in names}
    finally:
        engine.dispose()


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


def _template(factory: pytest.TempPathFactory, name: str, *imports: Path) -> Path:
    """Run `seiton init` (and imports) once in a scratch SEITON_HOME; return its DB file."""
    from operational_app.store.engine import dispose_engines

    home = factory.mktemp(name) / "home"
    saved = {k: os.environ.get(k) for k in ("SEITON_HOME", "SEITON_OPERATIONAL_URL",
                                            "SEITON_WAREHOUSE")}
    os.environ["SEITON_HOME"] = str(home)
    os.environ.pop("SEITON_OPERATIONAL_URL", None)
    os.environ.pop("SEITON_WAREHOUSE", None)
    dispose_engines()
    try:
        assert run_cli("init") == 0
        for folder in imports:
            assert run_cli("import", str(folder)) == 0
    finally:
        dispose_engines()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return home / "operational.db"


def _copy_db(template: Path, home: Path) -> Path:
    from operational_app.store.engine import dispose_engines

    dispose_engines()
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{template}{suffix}")
        if src.exists():
            shutil.copy(src, home / f"operational.db{suffix}")
    return home


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "csv_empty")


@pytest.fixture(scope="session")
def happy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An operational.db holding the happy folder, built once per test worker."""
    return _template(tmp_path_factory, "csv_happy", HAPPY)


@pytest.fixture
def happy_home(seiton_home: Path, happy_template: Path) -> Path:
    """A private SEITON_HOME whose operational DB already holds the happy folder."""
    return _copy_db(happy_template, seiton_home)


@pytest.fixture
def empty_home(seiton_home: Path, empty_template: Path) -> Path:
    """A private SEITON_HOME with an initialised operational DB and no business data."""
    return _copy_db(empty_template, seiton_home)
