"""docs/csv-import.md is the user's reference: every format and column is documented, and
its examples — one per format, together a small consistent business — import cleanly and
re-import unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from operational_app.csv_import import import_dir
from operational_app.csv_import.formats import FORMATS, IMPORT_ORDER

from .conftest import table_counts, write_files

DOC = Path(__file__).resolve().parents[2] / "docs" / "csv-import.md"
SECTION = re.compile(r"^### `([a-z_]+\.csv)`\n(.*?)(?=^### |^## |\Z)", re.S | re.M)
EXAMPLE = re.compile(r"```csv\n(.*?)```", re.S)


def sections() -> dict[str, str]:
    return dict(SECTION.findall(DOC.read_text(encoding="utf-8")))


def examples() -> dict[str, str]:
    out = {}
    for name, body in sections().items():
        found = EXAMPLE.search(body)
        assert found, f"{name}: no example"
        out[name] = found.group(1)
    return out


def test_every_format_is_documented_in_import_order() -> None:
    assert list(sections()) == IMPORT_ORDER


@pytest.mark.parametrize("name", IMPORT_ORDER)
def test_every_column_is_documented(name: str) -> None:
    body = sections()[name]
    fmt = FORMATS[name]
    rows = re.findall(r"^\| `([a-z_]+)` \| (\*\*yes\*\*)? \|", body, re.M)
    assert [r[0] for r in rows] == fmt.names
    assert [r[0] for r in rows if r[1]] == fmt.required
    for key in fmt.key:
        assert f"`{key}`" in body.split("\n| column", 1)[0]  # the key precedes the table


def test_examples_import_cleanly_and_reimport_unchanged(empty_home: Path, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "docs", examples())
    report = import_dir(folder)
    assert report.ok, "\n".join(str(e) for e in report.errors)
    assert [f.file for f in report.files] == IMPORT_ORDER
    assert all(f.inserted + f.unchanged == f.row_count for f in report.files)
    counts = table_counts()
    again = import_dir(folder)
    assert again.ok and again.inserted == 0 and again.updated == 0
    assert again.unchanged == report.inserted + report.unchanged
    assert table_counts() == counts
