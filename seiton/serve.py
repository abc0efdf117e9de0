"""`seiton serve`: the Streamlit app plus a background refresh — soon after a write
(debounced: seiton/warehouse/freshness.py) and, as a fallback, every
SEITON_REFRESH_MINUTES."""

from __future__ import annotations

import subprocess
import sys
import time

from seiton.config import PROJECT_ROOT, load_settings

ENTRY = PROJECT_ROOT / "seiton" / "webapp" / "main.py"


def serve(port: int = 8501, refresh_minutes: float | None = None) -> None:
    from seiton.warehouse import freshness
    from seiton.warehouse.refresh import RefreshError, refresh

    settings = load_settings()
    interval = settings.refresh_minutes if refresh_minutes is None else refresh_minutes
    cmd = [sys.executable, "-m", "streamlit", "run", str(ENTRY),
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--client.toolbarMode", "minimal"]
    app = subprocess.Popen(cmd, cwd=PROJECT_ROOT)
    print(f"serving on http://localhost:{port}  (refresh after writes, and every "
          f"{interval:g} min)")
    debouncer = freshness.Debouncer(answered=freshness.requested_at(settings.home) or 0.0)
    try:
        next_refresh = time.monotonic() + interval * 60
        while app.poll() is None:
            time.sleep(1)
            request = freshness.requested_at(settings.home)
            asked = debouncer.due(request, freshness.now())
            if asked or (interval > 0 and time.monotonic() >= next_refresh):
                debouncer.started(request)
                try:
                    refresh(settings, progress=lambda m: print(f"[refresh] {m}", flush=True),
                            quiet_dbt=True)
                except RefreshError as exc:  # keep serving the last good publish
                    print(f"[refresh] failed: {exc}", flush=True)
                next_refresh = time.monotonic() + interval * 60
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=10)
    if app.returncode not in (0, -15, None):
        raise SystemExit(app.returncode)
