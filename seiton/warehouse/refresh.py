"""`seiton refresh` = load + build + publish, one at a time, never touching a good publish on failure."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from seiton.config import Settings


class RefreshError(RuntimeError):
    pass


@contextmanager
def refresh_lock(settings: Settings) -> Iterator[None]:
    """Two refreshes never run at once; the OS releases the lock if the holder dies."""
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.refresh_lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshError("another refresh is running (lock held)") from exc
        yield
    finally:
        os.close(fd)


def read_status(settings: Settings) -> dict:
    try:
        return json.loads(settings.refresh_status.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_status(settings: Settings, status: dict) -> None:
    tmp = settings.refresh_status.with_suffix(".tmp")
    tmp.write_text(json.dumps(status, indent=2, default=str))
    os.replace(tmp, settings.refresh_status)


def refresh(settings: Settings, progress: Callable[[str], None] = print,
            *, quiet_dbt: bool = False) -> dict:
    from ingestion.pipeline import load
    from seiton.warehouse.dbt import run_dbt
    from seiton.warehouse.publish import cleanup_stale, publish

    with refresh_lock(settings):
        status = read_status(settings)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            progress("[1/3] load: operational DB → warehouse raw (dlt)")
            t = time.perf_counter()
            loaded = load(settings.operational_url, settings.build_warehouse, settings.pipelines_dir)
            timings["load"] = time.perf_counter() - t
            progress(f"      {loaded.total_rows} changed rows in {timings['load']:.1f}s")

            progress("[2/3] build: dbt build (models and tests)")
            t = time.perf_counter()
            code = run_dbt(settings, ["build"], quiet=quiet_dbt)
            timings["build"] = time.perf_counter() - t
            if code != 0:
                raise RefreshError(f"dbt build failed (exit {code}); the published warehouse is unchanged")
            progress(f"      built in {timings['build']:.1f}s")

            progress("[3/3] publish: swap the new marts in for readers")
            t = time.perf_counter()
            cleanup_stale(settings.published_warehouse)
            rows = publish(settings.build_warehouse, settings.published_warehouse,
                           {"loaded_rows": loaded.rows_by_table})
            timings["publish"] = time.perf_counter() - t
            progress(f"      {len(rows)} relations published in {timings['publish']:.1f}s")
        except Exception as exc:
            status.update(last_failure_at=_now(), last_error=str(exc)[:500])
            _write_status(settings, status)
            if isinstance(exc, RefreshError):
                raise
            raise RefreshError(f"{type(exc).__name__}: {exc}") from exc
        timings["total"] = time.perf_counter() - started
        status.update(last_success_at=_now(), last_timings=timings, last_error=None)
        _write_status(settings, status)
        return status


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def published_path_exists(settings: Settings) -> bool:
    return Path(settings.published_warehouse).exists()
