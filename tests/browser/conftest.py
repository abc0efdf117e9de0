"""Browser tests: `seiton serve` started by the test on a free localhost port, driven by
Playwright with Debian's chromium (`make browser` installs it; never `playwright install`).

Streamlit keeps a session per connection, so a test logs in once and moves between pages
with the sidebar's links (a URL load would start a new, logged-out session).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seiton.config import PROJECT_ROOT
from tests.reliability.conftest import figures, seiton_cmd, seiton_env, tiny_home

__all__ = ["figures", "tiny_home"]  # the reliability fixtures, shared

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
NAV = '[data-testid="stSidebarNavLink"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    home: Path
    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(20)


def start_server(home: Path, log: Path) -> Server:
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            seiton_cmd("serve", "--port", str(port), "--refresh-minutes", "0"),
            env=seiton_env(home), cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    server = Server(home, f"http://127.0.0.1:{port}", proc)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"seiton serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise AssertionError(f"seiton serve did not answer in 120 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium missing: run `make browser` (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class App:
    """One browser page on the app, logged in as one user; records every dialog."""

    def __init__(self, browser, server: Server) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(60_000)
        self.server = server
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def login(self, username: str, password: str) -> App:
        page = self.page
        page.goto(self.server.url)
        page.wait_for_selector("input[type=password]")
        page.get_by_label("Usuario").fill(username)
        page.get_by_label("Contraseña").fill(password)
        page.get_by_label("Contraseña").press("Enter")
        page.wait_for_selector(NAV)
        return self

    def pages(self) -> list[str]:
        """The url paths of the sidebar's pages (the collapsed ones included)."""
        more = self.page.locator('[data-testid="stSidebarNavViewButton"]')
        if more.count() and "more" in (more.first.inner_text() or "").lower():
            more.first.click()
        links = self.page.locator(NAV)
        return [links.nth(i).get_attribute("href").rsplit("/", 1)[-1]
                for i in range(links.count())]

    def open(self, key: str) -> None:
        link = self.page.locator(f'{NAV}[href$="/{key}"]')
        if not link.count():
            self.pages()  # expand the list
        self.page.locator(f'{NAV}[href$="/{key}"]').click()
        self.settle()

    def settle(self, timeout_ms: int = 120_000) -> None:
        """Wait until the script run is over (Streamlit shows its status widget meanwhile)."""
        self.page.wait_for_timeout(300)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=timeout_ms)
        self.page.wait_for_timeout(300)

    def console(self, sql: str, expect: str | None = None) -> str:
        """Run one query in the SQL console; returns the page's main text once the result
        table is drawn (and holds `expect`, when given)."""
        self.open("consola-sql")
        self.page.get_by_role("textbox", name="Consulta", exact=True).fill(sql)
        self.page.get_by_role("button", name="Ejecutar").click()
        self.settle()
        if expect is not None:
            self.wait_for_text(expect)
        return self.main_text()

    def wait_for_text(self, expect: str, timeout_ms: int = 30_000) -> None:
        """Wait until the main area holds `expect`: a table's grid fills its accessible
        cells after the script run ends, later on a loaded machine. Gives up silently —
        the caller's assertion shows the page."""
        try:
            self.page.wait_for_function(
                "(text) => (document.querySelector('[data-testid=\"stMain\"]')"
                "?.textContent || '').includes(text)", arg=expect, timeout=timeout_ms)
        except Exception:  # noqa: BLE001 - the caller's assertion shows the page
            pass

    def main_text(self) -> str:
        """All the text of the page's main area, hidden text included (a table's cells are
        in the grid's accessible table, not in the canvas)."""
        return self.page.locator('[data-testid="stMain"]').text_content() or ""

    def close(self) -> None:
        self.page.close()
