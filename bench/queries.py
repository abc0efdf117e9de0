"""The queries behind each dashboard page, captured by running the page and timed warm.

Each page of kind dashboard/finance is run headless (Streamlit's AppTest, signed in as a
director or finance user) with `query_df` wrapped to record every (sql, params) it issues —
so the benchmark times exactly what the pages run, not a copy that drifts. Each captured
query then runs `REPEAT` times (after one warm-up) through `query_df` itself: a fresh
short-lived read-only connection each time, as a page without cache does.

    python -m bench.queries HOME OUT.json [REPEAT]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

PAGES = {  # page key → role that opens it
    "cadena-de-valor": "director",
    "salud-de-etapas": "director",
    "detalle-de-etapa": "director",
    "prospecto-a-cobro": "director",
    "informe-mensual": "director",
    "cobranza": "finance",
    "cargos": "finance",
    "conciliacion": "finance",
}


def capture(home: Path) -> dict[str, list[tuple[str, list]]]:
    os.environ["SEITON_HOME"] = str(home)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    import dashboards.queries as dq
    from seiton.config import PROJECT_ROOT
    from seiton.webapp.auth import CurrentUser

    seen: dict[str, list[tuple[str, list]]] = {}
    current: list[str] = [""]
    real = dq.query_df

    def recording(sql, params=None):
        bucket = seen.setdefault(current[0], [])
        item = (sql, list(params or []))
        if item not in bucket:
            bucket.append(item)
        return real(sql, params)

    dq.query_df = recording
    try:
        for key, role in PAGES.items():
            current[0] = key
            dq._cached.clear()  # noqa: SLF001 - every query must reach query_df
            at = AppTest.from_file(str(PROJECT_ROOT / "seiton" / "webapp" / "main.py"),
                                   default_timeout=300)
            at.session_state["user"] = CurrentUser(role, role.title(), role, None)
            at.session_state["last_seen"] = time.time()
            at.session_state["lang"] = "es"
            at._page_hash = calc_hash(key)  # noqa: SLF001 - as tests/analysts/test_pages.py
            at.run()
            if at.exception:
                seen.setdefault(key, [])
                print(f"page {key}: {at.exception[0].message[:200]}", file=sys.stderr)
    finally:
        dq.query_df = real
    return seen


def time_queries(seen: dict[str, list[tuple[str, list]]], repeat: int) -> list[dict]:
    from seiton.warehouse.reader import query_df

    out = []
    for page, queries in seen.items():
        for i, (sql, params) in enumerate(queries):
            query_df(sql, params)  # warm-up: OS cache, DuckDB start
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                frame = query_df(sql, params)
                times.append(time.perf_counter() - t)
            times.sort()
            out.append({"page": page, "query": i, "rows": len(frame),
                        "p50_s": statistics.median(times),
                        "p95_s": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                        "max_s": times[-1], "runs": repeat,
                        "sql": " ".join(sql.split())[:300], "params": [str(p) for p in params]})
    return out


if __name__ == "__main__":
    home, dest = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    captured = capture(home)
    dest.write_text(json.dumps(time_queries(captured, repeat), indent=1))
