"""Helpers for tests against a running `tutor serve`: the server, and a headless Chromium to drive it.

The browser is Debian's `chromium` (the Makefile installs it), driven by
Playwright; Playwright's own browser download is never used. Every request the
page makes to another host is blocked and recorded, so a test can assert
that the page works offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from plugins.cli import ROOT, TUTOR_BIN, run_tutor

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (containers lack the namespaces), and none of Chromium's own
# traffic: no updates, sync, metrics, safe-browsing or field trials.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
]
ARTIFACTS = ROOT / "test-artifacts"
READY = "tutor: ready at "

UNTRUSTED_DOC = ROOT / "tests" / "data" / "untrusted.md"  # markup that must stay text
LIVE_LOGIN = ("learner", "correct-horse-battery-staple")
LIVE_API_KEY = "sk-live-test-4f9c1e7a"  # unused by the local model, and never to be printed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A `tutor serve` process, its address and its combined stdout/stderr."""

    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_serve(home: Path, log: Path, timeout: float = 300, **env: str) -> LiveServer:
    """`tutor serve` on a free port of 127.0.0.1 with TUTOR_HOME=home; returns once it is ready."""
    port = free_port()
    full_env = {
        **os.environ,
        "TUTOR_HOME": str(home),
        "TUTOR_HOST": "127.0.0.1",
        "TUTOR_PORT": str(port),
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(TUTOR_BIN), "serve"], env=full_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while READY not in server.output():
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"tutor serve did not start; its output:\n{server.output()[-3000:]}")
        time.sleep(0.5)
    return server


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless; a missing browser fails the test with the fix."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run 'make browser' (apt-get install chromium)", pytrace=False)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@dataclass
class OfflinePage:
    """A page that may only reach `url`'s host; what it tried elsewhere and its script errors are kept."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_page(browser: Any, url: str) -> OfflinePage:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    offline = OfflinePage(page)

    def only_local(route: Any) -> None:
        if route.request.url.startswith(url):
            route.continue_()
        else:
            offline.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("pageerror", lambda error: offline.errors.append(str(error)))
    page.goto(url)
    return offline


def log_in(page: Any, user: str, password: str) -> None:
    """Fill Gradio's login form and submit it."""
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def screenshot(page: Any, name: str) -> Path:
    """Save the page under test-artifacts/browser/ and return the path."""
    path = ARTIFACTS / "browser" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def live_tutor(tmp_path_factory: pytest.TempPathFactory):
    """`tutor serve` over the real roadmap, cards and UNTRUSTED_DOC, with the bundled model and a login.

    Short answers (16 tokens, 2 excerpts) keep the browser and concurrency tests quick, and the
    model adds to answers (off by default for the bundled model) so the tests see it queue;
    everything else is the default configuration.
    """
    home = tmp_path_factory.mktemp("live-home")
    ingested = run_tutor("ingest", "--quiet", str(UNTRUSTED_DOC), home=home, timeout=900)
    assert ingested.returncode == 0, ingested.stderr
    server = start_serve(
        home,
        home / "serve.log",
        TUTOR_MAX_TOKENS="16",
        TUTOR_TOP_K="2",
        # The bundled model is off by default; on, the queue and "Waiting for the model" are exercised.
        TUTOR_MODEL_ADDS="true",
        TUTOR_AUTH=":".join(LIVE_LOGIN),
        TUTOR_OPENAI_API_KEY=LIVE_API_KEY,
    )
    yield server
    server.stop()
