"""A write asks for a refresh soon after; `seiton serve` answers, debounced.

Every committed write transaction touches `$SEITON_HOME/refresh.requested`
(operational_app/store/engine.py), whoever wrote it: a form, `seiton import`, the billing
run. The serve loop refreshes once the writes have paused for `QUIET_SECONDS`, or at the
latest `MAX_DELAY_SECONDS` after the first unanswered request, so a burst of writes (an
import of many files, an operator typing readings) gives one refresh, not one per write.
The fixed schedule (SEITON_REFRESH_MINUTES) stays as a fallback. A refresh whose load finds
nothing costs well under a second (docs/performance.md), so a spurious request is cheap.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

QUIET_SECONDS = 5.0
MAX_DELAY_SECONDS = 30.0
MARKER = "refresh.requested"


def marker_path(home: Path) -> Path:
    return home / MARKER


def request_refresh(home: Path) -> None:
    """Note that the operational DB changed (cheap: one file's timestamp)."""
    if not home.is_dir():
        return
    path = marker_path(home)
    try:
        path.touch()
        os.utime(path)  # touch() keeps an existing file's time on some filesystems
    except OSError:  # a read-only home never stops a write
        pass


def requested_at(home: Path) -> float | None:
    try:
        return marker_path(home).stat().st_mtime
    except FileNotFoundError:
        return None


@dataclass
class Debouncer:
    """When to refresh for the requests seen so far (pure: unit-tested)."""

    quiet: float = QUIET_SECONDS
    max_delay: float = MAX_DELAY_SECONDS
    answered: float = 0.0  # the request time the last refresh covered
    first_seen: float | None = None  # wall time an unanswered request was first seen

    def due(self, request: float | None, now: float) -> bool:
        if request is None or request <= self.answered:
            self.first_seen = None
            return False
        if self.first_seen is None:
            self.first_seen = now
        return now - request >= self.quiet or now - self.first_seen >= self.max_delay

    def started(self, request: float | None) -> None:
        """A refresh starts now: it covers every request up to `request`."""
        self.answered = request or self.answered
        self.first_seen = None


def now() -> float:
    return time.time()
