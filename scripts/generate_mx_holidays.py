"""Write the dbt seed of Mexican federal holidays from the `holidays` package
(seiton/business_calendar.py owns the calendar; the seed is never edited by hand).

    .venv/bin/python scripts/generate_mx_holidays.py            # rewrite the seed
    .venv/bin/python scripts/generate_mx_holidays.py --check    # exit 1 if it differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seiton.business_calendar import SEED_YEARS, seed_csv  # noqa: E402
from seiton.config import DBT_PROJECT_DIR  # noqa: E402

SEED = DBT_PROJECT_DIR / "seeds" / "mx_holidays.csv"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate dbt_project/seeds/mx_holidays.csv")
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 if different")
    ap.add_argument("--seed", type=Path, default=SEED, help="the seed file (default: %(default)s)")
    args = ap.parse_args(argv)
    text = seed_csv(SEED_YEARS)
    current = args.seed.read_text(encoding="utf-8") if args.seed.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.seed} is not what the holidays package gives for "
                  f"{SEED_YEARS.start}–{SEED_YEARS.stop - 1}: run scripts/generate_mx_holidays.py",
                  file=sys.stderr)
            return 1
        return 0
    args.seed.write_text(text, encoding="utf-8")
    years = f"{SEED_YEARS.start}–{SEED_YEARS.stop - 1}"
    print(f"{args.seed}: {text.count(chr(10)) - 1} holidays, {years}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
