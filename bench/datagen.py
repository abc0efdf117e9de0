"""The benchmark's demo businesses, generated once per (scale, seed, until) under bench/work/.

`small` (and `tiny`) go through the domain layer (generator.generate), `medium` and `large`
through the bulk path (operational_app/demo/bulk.py). A finished database is kept as
`<scale>-s<seed>-<until>/operational.db` with a `generated.json` beside it (seconds, rows);
runs copy it, never write to it.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"
BENCH_UNTIL = date(2026, 10, 31)


def golden_dir(scale: str, seed: int, until: date = BENCH_UNTIL) -> Path:
    return WORK / f"{scale}-s{seed}-{until.isoformat()}"


def generate_into(db: Path, scale: str, seed: int, until: date = BENCH_UNTIL) -> dict:
    """Generate into a fresh SQLite file; returns {seconds, rows, path}."""
    from operational_app.store.engine import dispose_engines

    if db.exists():
        db.unlink()
    url = f"sqlite:///{db}"
    t = time.perf_counter()
    if scale in ("tiny", "small"):
        from operational_app.demo.generator import generate
    else:
        from operational_app.demo.bulk import generate
    counts = generate(url, scale=scale, seed=seed, until=until, progress=print)
    seconds = time.perf_counter() - t
    dispose_engines()
    return {"seconds": seconds, "rows": counts, "path": str(db)}


def ensure_golden(scale: str, seed: int, until: date = BENCH_UNTIL) -> tuple[Path, dict]:
    """The kept database of this scale and seed, generating it when missing."""
    d = golden_dir(scale, seed, until)
    meta = d / "generated.json"
    if meta.exists():
        return d / "operational.db", json.loads(meta.read_text())
    tmp = d.with_name(d.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    info = generate_into(tmp / "operational.db", scale, seed, until)
    info["path"] = str(d / "operational.db")
    (tmp / "generated.json").write_text(json.dumps(info, indent=2))
    shutil.rmtree(d, ignore_errors=True)
    tmp.rename(d)
    return d / "operational.db", info


if __name__ == "__main__":  # python -m bench.datagen SCALE [SEED]
    scale = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    print(ensure_golden(scale, seed)[1]["seconds"])
