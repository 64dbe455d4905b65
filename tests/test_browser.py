"""The page in a real browser: headless Debian Chromium driving a live `tutor serve` with the bundled model.

A learner signs in, asks a question while the model is busy with three others
(the chat shows its place in line, then the streamed answer and its sources),
asks a follow-up, makes a study plan and downloads its calendar. Markup in an
ingested document and in a question stays visible text and never runs.
Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import re
import time

import pytest
from plugins.live import LIVE_LOGIN, LiveServer, OfflinePage, launch_chromium, log_in, open_page, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.real_llm, pytest.mark.server]

KL = "What is KL divergence and where does it fit?"
FOLLOW_UP = "Which tools does it list?"
# Three sessions ahead keep the model busy for about 9 s on 2 cores (3 s each): long enough for the
# browser to send its question while they are still in line, even on a loaded machine (with two,
# a slow start of the page once let them finish first).
BUSY = ["What is Bayesian inference?", "What is a data lake?", "What is gradient descent?"]
# A question that carries markup of its own, about the ingested document that carries more.
HOSTILE = (
    'How should a tutor render untrusted text safely, such as <img src=x onerror="window.pwned = '
    "'question image'; document.title = 'pwned'\"> or <script>window.pwned = 'question script'</script>?"
)
ANSWER_S = 180_000  # ms: three questions ahead on a busy 2-core machine


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def signed_in(browser, live_tutor: LiveServer) -> OfflinePage:
    """A fresh browser session on the live page, past its login."""
    offline = open_page(browser, live_tutor.url)
    log_in(offline.page, *LIVE_LOGIN)
    offline.page.get_by_role("tab", name="Chat").wait_for()
    return offline


def bot_texts(page) -> list[str]:
    """The assistant's messages on screen: each answer's text, then its sources."""
    return page.locator('[data-testid="bot"]').all_inner_texts()


def test_the_page_asks_for_a_login_first(browser, live_tutor: LiveServer) -> None:
    offline = open_page(browser, live_tutor.url)
    page = offline.page
    log_in(page, LIVE_LOGIN[0], "not-the-password")
    page.get_by_text("Incorrect Credentials").wait_for()
    assert page.get_by_role("tab", name="Chat").count() == 0
    assert offline.blocked == [] and offline.errors == []


def test_a_learner_asks_follows_up_and_downloads_a_plan(
    signed_in: OfflinePage, live_tutor: LiveServer, report, tmp_path
) -> None:
    from gradio_client import Client
    from icalendar import Calendar

    page = signed_in.page
    started = time.monotonic()
    # Three other sessions occupy the model first: this question must wait its turn, visibly.
    other = Client(live_tutor.url, auth=LIVE_LOGIN, verbose=False, analytics_enabled=False)
    busy = [other.submit(question, api_name="/chat") for question in BUSY]
    while not all(job.outputs() for job in busy):  # both have their lead: both are in line
        time.sleep(0.1)
    box = page.get_by_role("textbox").first
    box.fill(KL)
    box.press("Enter")

    waiting = page.get_by_text(re.compile(r"Waiting for the model \(\d+ ahead\)"))
    waiting.wait_for(timeout=ANSWER_S)
    # The composed explanation is on screen before the model's turn comes; sources are not yet.
    assert bot_texts(page)[0].startswith("Kullback-Leibler (KL) divergence")
    assert page.get_by_text("Sources", exact=True).count() == 0
    shots = [screenshot(page, "1-waiting-for-the-model")]

    page.get_by_text("Sources", exact=True).wait_for(timeout=ANSWER_S)
    assert waiting.count() == 0
    answer, sources = bot_texts(page)
    assert "Information Theory" in answer and "KL Divergence" in answer
    assert sources.startswith("Sources") and "8. Information Theory" in sources
    shots.append(screenshot(page, "2-answer-with-sources"))

    box.fill(FOLLOW_UP)
    box.press("Enter")
    page.get_by_text("Sources", exact=True).nth(1).wait_for(timeout=ANSWER_S)
    # The follow-up is read with the first question: its answer is about the same section.
    follow_up, follow_up_sources = bot_texts(page)[2:]
    assert "Information Theory" in follow_up and "Information Theory" in follow_up_sources
    shots.append(screenshot(page, "3-follow-up"))
    for job in busy:
        job.result(timeout=ANSWER_S / 1000)

    page.get_by_role("tab", name="Study plan").click()
    page.get_by_role("button", name="Make plan").click()
    calendar_button = page.get_by_role("button", name="Calendar (.ics)")
    calendar_button.wait_for(timeout=60_000)
    with page.expect_download() as download:
        calendar_button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    calendar = Calendar.from_ical(saved.read_bytes())
    events = calendar.walk("VEVENT")
    assert saved.name == "study-plan.ics"
    assert str(calendar["X-WR-CALNAME"]).startswith("Study plan: ")
    assert len(events) >= 12 and all(event.get("DTSTART") for event in events)
    # The plan opens with its alternatives side by side, and shows itself as a timeline.
    page.get_by_text("More weeks", exact=True).wait_for(timeout=10_000)
    page.get_by_text("Goal topics (★ in the timeline)", exact=False).first.wait_for(timeout=10_000)
    page.locator(".gradio-plot img, [data-testid='matplotlib'] img").first.wait_for(timeout=10_000)
    shots.append(screenshot(page, "4-study-plan"))

    assert signed_in.blocked == [], "the page tried to reach other hosts"
    assert signed_in.errors == []
    report(f"browser: sign in, wait, answer, follow-up, plan and .ics in {time.monotonic() - started:.0f} s")
    report("screenshots: " + ", ".join(str(path) for path in shots))


def test_markup_in_documents_and_questions_stays_text(signed_in: OfflinePage, report) -> None:
    page = signed_in.page
    title = page.title()
    box = page.get_by_role("textbox").first
    box.fill(HOSTILE)
    box.press("Enter")
    page.get_by_text("Sources", exact=True).wait_for(timeout=ANSWER_S)
    page.wait_for_timeout(500)  # let the last update render

    shot = screenshot(page, "5-markup-stays-text")
    # Nothing ran: no flag, no new title, no request for the document's image link.
    assert page.evaluate("window.pwned") is None
    assert page.title() == title
    assert signed_in.blocked == [] and signed_in.errors == []
    # And everything is there to read, as typed.
    assert page.get_by_text(HOSTILE).count() == 1
    answer = "\n".join(bot_texts(page))
    assert "Untrusted notes › Rendering untrusted text safely" in answer
    assert '<script>window.pwned = "document script"; document.title = "pwned"</script>' in answer
    assert "<img src=x onerror=" in answer
    report(f"screenshot: {shot}")


def test_the_evals_tab_runs_the_retrieval_suite(signed_in: OfflinePage, report) -> None:
    page = signed_in.page
    page.get_by_role("tab", name="Evals").click()
    # A fresh TUTOR_HOME has no run yet; the button runs one against the served index.
    page.get_by_text("No evaluation has been run yet").wait_for()
    page.get_by_role("button", name="Run the retrieval suite (test split)").click()
    page.get_by_text("Time per suite: retrieval").wait_for(timeout=ANSWER_S)
    assert page.get_by_role("cell", name="hit@3").count() == 1
    page.get_by_role("button", name="Download the full HTML report").wait_for()
    page.wait_for_timeout(2000)  # let the per-area plot draw before the screenshot
    shot = screenshot(page, "6-evals")
    assert signed_in.blocked == [] and signed_in.errors == []
    report(f"screenshot: {shot}")
