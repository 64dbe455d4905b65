"""The Progress, Quiz and Review tabs in headless Chromium against a live `tutor serve`.

A signed-in learner starts a quiz: until they answer, the item's key is in
neither the page nor anything the server sent it. After grading, the key is
shown and the learner overrides the grade; the answer then shows in Progress
and Review. Screenshots go to test-artifacts/browser/ (and, when the folder
exists, are copied to /tmp/notes/ for release notes).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from plugins.live import LIVE_LOGIN, LiveServer, launch_chromium, log_in, open_page, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.real_llm, pytest.mark.server]

NOTES = Path("/tmp/notes")
TOPIC = "Self-attention mechanism"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def keep(path: Path) -> Path:
    if NOTES.is_dir():
        shutil.copy(path, NOTES / path.name)
    return path


def test_the_key_stays_on_the_server_until_the_learner_answers(
    browser, live_tutor: LiveServer, bank, report
) -> None:
    offline = open_page(browser, live_tutor.url)
    page = offline.page
    received: list[str] = []

    def record(response) -> None:
        with contextlib.suppress(Exception):  # a response without a body (a redirect, an aborted stream)
            received.append(response.text())

    page.on("response", record)
    log_in(page, *LIVE_LOGIN)
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_label("Topic", exact=True).fill(TOPIC)
    page.get_by_role("button", name="Start quiz").click()
    page.get_by_text("Question 1 of").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    on_screen = page.inner_text("body")
    (item,) = [i for i in bank.items if i.question in on_screen]
    assert item.key not in item.question
    assert item.key not in page.content()
    assert not any(item.key in body for body in received), "the key reached the browser before an answer"

    box = page.get_by_label("Your answer", exact=True)
    box.fill("each token looks at every other token")
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_text("The key:").wait_for(timeout=60_000)
    assert item.key in page.inner_text("body")
    page.get_by_role("button", name="I was right").click()
    page.get_by_text("Marked as right by you").wait_for(timeout=30_000)
    shots = [keep(screenshot(page, "learner-quiz"))]

    page.get_by_role("tab", name="Progress").click()
    page.get_by_text("(1 this week)").wait_for(timeout=60_000)
    # The learner says they know the first area (the form's first choice) already.
    page.get_by_role("button", name="Set state").click()
    page.get_by_text("Set done on Programming and Software Engineering and everything under it").wait_for(
        timeout=60_000
    )
    page.get_by_text(re.compile(r"[1-9]\d* of 278 roadmap topics done")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)  # let the bars and the sunburst draw
    assert page.get_by_text("Topics done per area (%)").count() >= 1
    shots.append(keep(screenshot(page, "learner-progress")))

    page.get_by_role("tab", name="Review").click()
    page.get_by_text("in the next 7 days").wait_for(timeout=60_000)
    page.get_by_text(item.question).last.wait_for(timeout=30_000)  # the answered item, listed as due
    shots.append(keep(screenshot(page, "learner-review")))

    assert offline.blocked == [] and offline.errors == []
    report("learner screenshots: " + ", ".join(str(p) for p in shots))
