"""Fail on a reference to a Markdown file that is not in the repository.

The repository explains itself: code, SQL, YAML and docs cite `docs/…` (or another file
of the tree), never a document only some of us can open. Every Markdown file name mentioned in a
tracked text file must resolve — as written from the repository root, relative to the
citing file, or as `docs/<name>`. Run by `make lint` and by tests/analysts/test_lint.py.

    python scripts/check_doc_refs.py   # prints each dangling reference; exit 1 if any
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".txt", ".csv",
                 ".mako", ".ini", ""}
# a path-like token ending in .md (dots inside names allowed, URLs excluded below)
REFERENCE = re.compile(r"(?<![\w/.-])((?:\.\./|\./)?[\w./-]*[\w-]\.md)\b")


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line]


def resolves(ref: str, citing: Path) -> bool:
    candidates = [ROOT / ref, citing.parent / ref, ROOT / "docs" / Path(ref).name]
    return any(c.is_file() for c in candidates)


def dangling() -> list[tuple[Path, int, str]]:
    found = []
    for path in tracked_files():
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in REFERENCE.finditer(line):
                ref = match.group(1)
                before = line[:match.start(1)]
                if re.search(r"https?://\S*$", before):  # part of a URL
                    continue
                if not resolves(ref, path):
                    found.append((path.relative_to(ROOT), number, ref))
    return found


def main() -> int:
    bad = dangling()
    for path, number, ref in bad:
        print(f"{path}:{number}: {ref} is not a file of the repository")
    if bad:
        print(f"{len(bad)} reference(s) to files the repository does not have; write what "
              "the code relies on into docs/ and cite that", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
