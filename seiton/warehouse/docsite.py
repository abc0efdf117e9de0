"""`seiton docs`: dbt's documentation site for the warehouse, built and served offline.

dbt writes index.html (one self-contained file: its scripts and styles are inlined) beside
manifest.json and catalog.json, which the page fetches from the same folder; `--static`
adds static_index.html with both embedded, which opens straight from disk. The only
network request the page can make is dbt's usage tracker, loaded from a CDN when the
manifest says `send_anonymous_usage_stats: true`: generation turns it off and
`offline_problems` checks that it stayed off.
"""

from __future__ import annotations

import functools
import json
import re
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from seiton.config import Settings

DEFAULT_PORT = 8081
# markup loading something from elsewhere: <script src="https://…">, <link href="//cdn…">,
# CSS url(https://…) or @import. (The page's JavaScript only builds such a URL for dbt's
# tracker, which the manifest check below covers.)
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\s(?:src|href|data)\s*=\s*["']"""
    r"""\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["'](?:https?:)?//""",
    re.IGNORECASE)


class DocsError(RuntimeError):
    pass


def docs_dir(settings: Settings) -> Path:
    return settings.home / "dbt_docs"


def generate(settings: Settings, *, quiet: bool = False) -> Path:
    """`dbt docs generate --static` against the build warehouse, into $SEITON_HOME/dbt_docs;
    returns that folder. Holds the refresh lock: the build file has one writer at a time."""
    from seiton.warehouse.dbt import run_dbt
    from seiton.warehouse.refresh import RefreshError, refresh_lock

    if not settings.build_warehouse.exists():
        raise DocsError(f"no warehouse at {settings.build_warehouse}: run `seiton init` "
                        "and `seiton refresh` first")
    target = docs_dir(settings)
    try:
        with refresh_lock(settings):
            code = run_dbt(settings, ["docs", "generate", "--static", "--target-path", str(target),
                                      "--no-send-anonymous-usage-stats"], quiet=quiet)
    except RefreshError as exc:
        raise DocsError("a refresh is running; try again when it has finished") from exc
    if code != 0:
        raise DocsError(f"dbt docs generate failed (exit {code})")
    problems = offline_problems(target)
    if problems:
        raise DocsError("the docs site would not work offline: " + "; ".join(problems))
    return target


def offline_problems(target: Path) -> list[str]:
    """Why the site in `target` would not work without a network (empty list: it works)."""
    problems = []
    for name in ("index.html", "manifest.json", "catalog.json"):
        if not (target / name).exists():
            problems.append(f"{name} missing")
    index = target / "index.html"
    if index.exists():
        text = index.read_text(encoding="utf-8", errors="replace")
        problems += [f"index.html loads from the network: {m.group(0)[-60:]!r}…"
                     for m in _EXTERNAL.finditer(text)]
    manifest = target / "manifest.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text(encoding="utf-8")).get("metadata", {})
        if meta.get("send_anonymous_usage_stats") is not False:
            problems.append("manifest enables dbt's usage tracking (a script from a CDN)")
    return problems


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # one line per request is noise here
        pass


def make_server(target: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(target))
    return ThreadingHTTPServer((host, port), handler)


def serve(target: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
    """Serve the site until interrupted (Ctrl-C)."""
    with make_server(target, port, host) as server:
        print(f"dbt docs on http://{host}:{port}/  (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
