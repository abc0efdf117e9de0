"""The repository explains itself (scripts/check_doc_refs.py, docs/conventions.md
"Conventions checked in CI"): every Markdown file cited by code, SQL, YAML or docs exists in
the repository, and a quoted section names one of its headings. The real tree passes; the
checker itself is tested on small temporary trees."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "check_doc_refs.py"
# the fixtures' file names are built from MD so this file cites no Markdown file itself
MD = ".md"


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)],
                          capture_output=True, text=True, check=False, timeout=120)


def _tree(root: Path, files: dict[str, str]) -> Path:
    """A git work tree holding `files` (untracked files are checked too: nothing to commit)."""
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_repository_cites_only_files_it_has() -> None:
    done = _check(PROJECT_ROOT)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-1000:]
    assert done.stdout == ""


def test_one_good_and_one_dangling_reference(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {
        f"docs/billing{MD}": "# Billing\n\n## Charges\n\nThe rule.\n",
        "app/rules.py": f'"""Charges (docs/billing{MD}, "Charges").\n\n'
                        f'Estimates: billing-and-collections{MD}, "Usage".\n"""\n',
    })
    done = _check(root)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"app/rules.py:3: billing-and-collections{MD} is not a file of the repository"]
    assert "1 reference(s)" in done.stderr


def test_once_the_rule_is_written_down_the_tree_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {
        f"docs/billing{MD}": "# Billing\n\n## Charges\n\n## Usage from meter readings\n",
        "app/rules.py": f"# docs/billing{MD} 'Usage from meter readings'; bare name: billing{MD}\n",
        f"app/README{MD}": f"See [the rules](../docs/billing{MD}) and "
                         f"https://example.com/elsewhere/spec{MD} (a URL, not a file).\n",
    })
    done = _check(root)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout


@pytest.mark.parametrize(("citation", "problem"), [
    (f'(docs/billing{MD}, "Periods and plans")',
     f'docs/billing{MD} has no section "Periods and plans"'),
    (f"docs/billing{MD}'s 'Reconciliation'", f'docs/billing{MD} has no section "Reconciliation"'),
    (f"docs/ops{MD}", f"docs/ops{MD} is not a file of the repository"),
])
def test_a_missing_file_or_section_is_named(tmp_path: Path, citation: str, problem: str) -> None:
    root = _tree(tmp_path / "repo", {
        f"docs/billing{MD}": "# Billing\n\n## Charges\n\n- **Meter replacement** — the rule.\n",
        "sql/model.sql": f"-- charges (docs/billing{MD}, \"Charges\"), replacements "
                         f"(docs/billing{MD}, \"Meter replacement\")\n-- {citation}\n",
    })
    done = _check(root)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [f"sql/model.sql:2: {problem}"]


def test_a_file_outside_the_repository_does_not_count(tmp_path: Path) -> None:
    """The spec folder exists on the authors' machines, not in a clone: citing it by an
    absolute path or by climbing out of the tree is dangling, even when the file exists."""
    outside = tmp_path / "shared" / "spec" / f"quality-bars{MD}"
    outside.parent.mkdir(parents=True)
    outside.write_text("# Quality bars\n", encoding="utf-8")
    root = _tree(tmp_path / "repo", {
        f"docs/quality-bars{MD}": "# Quality targets\n",
        "bench/run.py": f"# targets: {outside}\n# also ../shared/spec/quality-bars{MD}\n",
    })
    done = _check(root)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"bench/run.py:1: {outside} is not a file of the repository",
        f"bench/run.py:2: ../shared/spec/quality-bars{MD} is not a file of the repository"]


def test_the_readme_lists_every_docs_file() -> None:
    """The README's Documentation section is the index of docs/: a new page is listed there."""
    readme = (PROJECT_ROOT / f"README{MD}").read_text(encoding="utf-8")
    section = readme.split("## Documentation\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| \[docs/([\w-]+)" + re.escape(MD) + r"\]", section, re.M))
    present = {p.stem for p in (PROJECT_ROOT / "docs").glob(f"*{MD}")}
    assert present - listed == set(), "docs/ pages missing from the README's Documentation table"
