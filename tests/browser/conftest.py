"""Browser tests: a real `tawasul serve` on a free loopback port, seeded with the
demo data in a temporary folder, driven by Debian's chromium through Playwright.

Screenshots go to test-artifacts/screenshots/ (gitignored)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("TAWASUL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "tawasul-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`tawasul serve` in its own process group; stop() and start() keep its data."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.var = Path(tempfile.mkdtemp(prefix="tawasul-browser-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.var / "serve.log"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "DJANGO_"))}
        env.update(TAWASUL_VAR_DIR=str(self.var), TAWASUL_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        return env

    def start(self, timeout: float = 90) -> None:
        command = [str(Path(sys.executable).with_name("tawasul")), "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.var,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tawasul serve exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/directory/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"tawasul serve did not answer in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}: apt-get install -y chromium")
    running = Server()
    running.start()
    yield running
    running.stop()


# Per module, not per session: Playwright's sync API keeps an event loop running in
# this thread while it is open, and the async tests that run later need the thread's.
@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context: ``new_page(user, language="en", phone=False)``,
    signed in as the demo account ``user`` (None for a signed-out visitor)."""
    contexts: list[Any] = []

    def open_page(user: str | None = None, language: str = "en", phone: bool = False) -> Any:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(
            base_url=server.url,
            locale=language,
            viewport=viewport,
            accept_downloads=True,
            is_mobile=phone,
            has_touch=phone,
        )
        context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if user:
            sign_in(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Any, user: str) -> None:
    page.goto("/signin/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/signin/" not in url)


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
