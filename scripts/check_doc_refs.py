"""Fail on a reference to a Markdown file (or a section of one) the repository does not have.

The repository explains itself: code, SQL, YAML and docs cite `docs/…` (or another file of
the tree), never a document only some of us can open (docs/conventions.md, "Project
habits"). Every Markdown file name mentioned in a tracked text file must resolve:

- a bare name (`billing.md`) as `docs/<name>`, from the repository root, or beside the
  citing file;
- a path (`docs/billing.md`, `../README.md`) as written, from the root or relative to the
  citing file — and inside the repository: an absolute path or one climbing out of the
  tree is dangling even when this machine happens to have the file;
- a section quoted right after the reference (`docs/billing.md, "Charges"` or
  `docs/billing.md ("Charges")`) must be part of one of that file's headings or bold
  labels.

Run by `make lint` and by tests/analysts/test_doc_refs.py.

    python scripts/check_doc_refs.py [--root DIR]   # prints each dangling reference; exit 1 if any
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".txt", ".csv",
                 ".mako", ".ini", ""}
# a path-like token ending in .md (dots inside names allowed, URLs excluded below)
REFERENCE = re.compile(r"(?<![\w/.-])((?:\.\./|\./)?[\w./-]*[\w-]\.md)\b")
# a quoted section right after a reference (or its possessive): `, "Section"`, ` "Section"`,
# ` ("Section"`, `: 'Section'`, `'s "Section"`
SECTION = re.compile(r"""^(?:'s)?[,:]?(?:\s|\s?\()\s?"""
                     r"""(?:"([^"\n]{2,80})"|“([^”\n]{2,80})”|'([^'\n]{2,80})')""")
# what a section may be: a heading, or a bold label (`- **Cancellations** — …`)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$|\*\*([^*\n]+)\*\*", re.M)


def tracked_files(root: Path) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root,
                         capture_output=True, text=True, check=True).stdout
    return [root / line for line in out.splitlines() if line]


def target(ref: str, citing: Path, root: Path) -> Path | None:
    """The file a reference names, or None when it names nothing in the repository."""
    if ref.startswith("/"):
        return None
    candidates = [root / ref, citing.parent / ref]
    if "/" not in ref:
        candidates.insert(0, root / "docs" / ref)
    base = root.resolve()
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(base):
            return resolved
    return None


def _normal(text: str) -> str:
    return re.sub(r"[`*_]", "", text).strip().lower()


def headings(path: Path) -> list[str]:
    return [_normal(h or bold) for h, bold in HEADING.findall(path.read_text(encoding="utf-8"))]


def dangling(root: Path = ROOT) -> list[tuple[Path, int, str]]:
    """(citing file, line, problem) for every reference that does not resolve."""
    found = []
    cache: dict[Path, list[str]] = {}
    for path in tracked_files(root):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in REFERENCE.finditer(line):
                ref = match.group(1)
                if re.search(r"https?:\S*$", line[:match.start(1)]):  # part of a URL
                    continue
                where = (path.relative_to(root), number)
                cited = target(ref, path, root)
                if cited is None:
                    found.append((*where, f"{ref} is not a file of the repository"))
                    continue
                section = SECTION.match(line[match.end(1):])
                if section and cited.suffix == ".md":
                    quoted = next(g for g in section.groups() if g)
                    wanted = _normal(quoted)
                    if cited not in cache:
                        cache[cited] = headings(cited)
                    if not any(wanted in h for h in cache[cited]):
                        found.append((*where, f'{ref} has no section "{quoted}"'))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="repository to check")
    args = ap.parse_args(argv)
    bad = dangling(args.root.resolve())
    for path, number, problem in bad:
        print(f"{path}:{number}: {problem}")
    if bad:
        print(f"{len(bad)} reference(s) to files or sections the repository does not have; "
              "write what the code relies on into docs/ and cite that", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
