"""Fail when a mart, or one of its columns, lacks a description, or a mart lacks an enforced
contract (seiton/warehouse/doccheck.py). Exit 0 clean, 1 problems found, 2 could not check.

    .venv/bin/python scripts/check_dbt_docs.py [--manifest PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seiton.warehouse.doccheck import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
