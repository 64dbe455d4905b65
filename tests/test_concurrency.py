"""Eight learners at once: real `gradio_client` sessions on threads against a live `tutor serve`.

Each session asks about a different roadmap section, then a follow-up that only
makes sense with its own first question ("Which tools does it list?"). Every
answer must come back, each follow-up must be about its own session's section
(no session sees another's history), and the sessions that waited for the
model must have been told their place in line.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from plugins.live import LIVE_LOGIN, LiveServer

from app.web.markup import WARNING
from app.web.page import SOURCES_TITLE

pytestmark = [pytest.mark.slow, pytest.mark.real_llm, pytest.mark.server]

QUESTIONS = [
    "What is KL divergence?",
    "What is Kubernetes used for?",
    "What is a convolutional neural network?",
    "What is Bayesian inference?",
    "What is a data lake?",
    "What is Fourier analysis?",
    "What is a recurrent neural network?",
    "What is stream processing?",
]
FOLLOW_UP = "Which tools does it list?"
ANSWER_S = 600  # 16 answers through one model on a shared 2-core machine
_TOP_SOURCE = re.compile(r"^\*\*\[1\]\*\* (.+)$", re.MULTILINE)


@dataclass
class Reply:
    text: str
    top_source: str | None
    saw_waiting: bool


def ask(client, question: str) -> Reply:
    """One question through the chat endpoint, streamed: the final messages and whether it waited."""
    job = client.submit(question, api_name="/chat")
    saw_waiting = any(isinstance(update, str) and "Waiting for the model" in update for update in job)
    messages = job.result(timeout=ANSWER_S)
    text = "\n".join(m["content"] for m in messages if not (m.get("metadata") or {}).get("title"))
    sources = [m["content"] for m in messages if (m.get("metadata") or {}).get("title") == SOURCES_TITLE]
    top = _TOP_SOURCE.search(sources[0]) if sources else None
    return Reply(text, top.group(1) if top else None, saw_waiting)


def session(url: str, question: str) -> tuple[Reply, Reply]:
    """A learner of their own (a new client is a new browser session): a question, then the follow-up."""
    from gradio_client import Client

    client = Client(url, auth=LIVE_LOGIN, verbose=False, analytics_enabled=False)
    return ask(client, question), ask(client, FOLLOW_UP)


def test_eight_sessions_at_once_each_keep_their_own_history(live_tutor: LiveServer, report) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        replies = list(pool.map(lambda q: session(live_tutor.url, q), QUESTIONS))
    elapsed = time.monotonic() - started

    firsts = [first for first, _ in replies]
    for question, (first, follow_up) in zip(QUESTIONS, replies):
        for reply in (first, follow_up):
            assert reply.top_source and reply.text, f"{question!r}: no answer with sources"
            assert not reply.text.startswith(WARNING), f"{question!r}: {reply.text}"
        # The follow-up is read with this session's first question, and no one else's.
        assert follow_up.top_source == first.top_source, question
    assert len({first.top_source for first in firsts}) == len(QUESTIONS)  # eight different sections
    # All eight asked at once and the model takes one at a time: at least seven waited.
    waited = sum(reply.saw_waiting for pair in replies for reply in pair)
    assert waited >= len(QUESTIONS) - 1, "sessions queued for the model without being told"
    assert " ERROR " not in live_tutor.output() and "Traceback" not in live_tutor.output()
    report(
        f"concurrency: {len(QUESTIONS)} sessions x 2 questions, all {2 * len(QUESTIONS)} answered "
        f"in {elapsed:.0f} s; {waited} answers showed their place in line"
    )
