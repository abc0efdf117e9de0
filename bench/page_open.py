"""The stage-health page's first open, timed (docs/performance.md, "Stage health").

A director opens "Salud de las etapas" for the first time since the server started: no
cached query answers, the app shell already loaded. Each run is the real app
(seiton/webapp/main.py) under Streamlit's AppTest, signed in as a director, on the page's
url path, with every `st.cache_data` cleared before it — so the time covers the page's
queries, its figures and the messages Streamlit builds for the browser. The app is run once
first on its default page, so the one-off imports of a cold process are not counted.
Reported: the median of `RUNS`, and the same page warm (answers cached) for comparison.

With chromium installed (`make browser`), `--browser` also times it as a person sees it:
`seiton serve` started afresh for each run (nothing cached), a director logs in, clicks
the page in the sidebar, and the clock stops when every KPI's trend is drawn and the
script run is over — the charts' drawing in the browser included.

    python -m bench.page_open HOME OUT.json [RUNS] [--browser]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

PAGE = "salud-de-etapas"


def measure(home: Path, runs: int) -> dict:
    os.environ["SEITON_HOME"] = str(home)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    from seiton.config import PROJECT_ROOT
    from seiton.webapp.auth import CurrentUser

    at = AppTest.from_file(str(PROJECT_ROOT / "seiton" / "webapp" / "main.py"),
                           default_timeout=300)
    at.session_state["user"] = CurrentUser("director", "Director", "director", None)
    at.session_state["lang"] = "es"

    def open_page() -> float:
        at.session_state["last_seen"] = time.time()
        at._page_hash = calc_hash(PAGE)  # noqa: SLF001 - as bench/queries.py
        started = time.perf_counter()
        at.run()
        took = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"{PAGE}: {at.exception[0].message[:300]}")
        return took

    at.session_state["last_seen"] = time.time()
    at.run()  # the app shell's imports, once
    open_page()  # the page module's imports, once
    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        cold.append(open_page())
        warm.append(open_page())
    return {"page": PAGE, "first_open_median_s": statistics.median(cold),
            "first_open_runs_s": [round(x, 3) for x in cold],
            "warm_median_s": statistics.median(warm), "warm_runs_s": [round(x, 3) for x in warm],
            "images": len(at.get("image")), "runs": runs}


CHROMIUM = Path("/usr/bin/chromium")
NAV = '[data-testid="stSidebarNavLink"]'
# every trend drawn: an image (the sparklines) or a plotted trace, per KPI
DRAWN_JS = """n => document.querySelectorAll(
    '[data-testid="stImage"] img, .js-plotly-plot .scatterlayer .trace').length >= n
    && !document.querySelector('[data-testid="stStatusWidget"]')"""


def _serve(home: Path, port: int):
    import subprocess
    import urllib.request

    env = dict(os.environ)
    for key in ("SEITON_OPERATIONAL_URL", "SEITON_WAREHOUSE", "SEITON_DEMO_MODE"):
        env.pop(key, None)
    env.update(SEITON_HOME=str(home), SEITON_REFRESH_MINUTES="0", DO_NOT_TRACK="1")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "seiton.cli", "serve", "--port", str(port),
                             "--refresh-minutes", "0"], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("seiton serve did not answer in 120 s")


def measure_browser(home: Path, runs: int, password: str, kpis: int = 32) -> dict:
    import signal
    import socket

    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            proc = _serve(home, port)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}")
                page.get_by_label("Usuario").fill("director")
                page.get_by_label("Contraseña").fill(password)
                page.get_by_label("Contraseña").press("Enter")
                page.wait_for_selector(NAV)
                # the default page must be fully drawn first, or its drawing is timed too
                page.wait_for_function(DRAWN_JS.replace("n =>", "() =>").replace(">= n", ">= 0"))
                page.wait_for_timeout(3000)
                link = page.locator(f'{NAV}[href$="/{PAGE}"]')
                started = time.perf_counter()
                link.click()
                page.wait_for_function(DRAWN_JS, arg=kpis, polling=20)
                times.append(time.perf_counter() - started)
                page.close()
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)
        browser.close()
    return {"browser_first_open_median_s": statistics.median(times),
            "browser_first_open_runs_s": [round(x, 3) for x in times]}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    home, dest = Path(args[0]).resolve(), Path(args[1])
    n = int(args[2]) if len(args) > 2 else 5
    result = measure(home, n)
    if "--browser" in sys.argv and CHROMIUM.exists():
        try:  # the demo's director (seiton demo-data); any other home names its password
            result.update(measure_browser(home, max(3, n // 2),
                                          os.environ.get("SEITON_BENCH_DIRECTOR_PASSWORD",
                                                         "seiton-demo-director")))
        except Exception as exc:  # noqa: BLE001 - the AppTest figure still stands
            result["browser_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    dest.write_text(json.dumps(result, indent=1))
