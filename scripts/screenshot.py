"""Take the README screenshot: start `tutor serve`, ask one question in a headless browser, save a PNG.

Needs an ingested index (TUTOR_HOME), the `playwright` package and a system
Chromium (Debian: `apt-get install chromium`); it never downloads a browser.

    TUTOR_HOME=/tmp/tutorhome .venv/bin/python scripts/screenshot.py [docs/screenshot.png]

Requests the page makes to any other host are blocked and listed, so the
screenshot also shows that the page works offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What is KL divergence and where does it fit?"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> tuple[subprocess.Popen, str]:
    """`tutor serve` on `port`; returns once it prints its ready line."""
    env = {**os.environ, "TUTOR_PORT": str(port), "TUTOR_HOST": "127.0.0.1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "tutor"), "serve"], env=env, stdout=subprocess.PIPE, text=True
    )
    for line in server.stdout:  # type: ignore[union-attr]
        if line.startswith("tutor: ready at "):
            return server, line.removeprefix("tutor: ready at ").strip()
    raise SystemExit(f"tutor serve exited with code {server.wait()} before it was ready")


def screenshot(url: str, out: Path) -> list[str]:
    """Ask QUESTION at `url`, wait for the answer and its sources, save `out`; returns blocked requests."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    local = urlparse(url).netloc

    def only_local(route) -> None:
        if urlparse(route.request.url).netloc == local:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", only_local)
        page.goto(url)
        box = page.get_by_role("textbox").first
        box.fill(QUESTION)
        box.press("Enter")
        page.get_by_text("Sources", exact=True).wait_for(timeout=120_000)
        page.wait_for_timeout(1000)  # let the last update render
        page.screenshot(path=str(out))
        browser.close()
    return blocked


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    server, url = start_server(free_port())
    try:
        blocked = screenshot(url, out)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for request in blocked:
        print(f"blocked: {request}", file=sys.stderr)
    print(f"saved {out}")


if __name__ == "__main__":
    main()
