"""Helpers for the web tests: what Markdown would render live, and a tutor that streams scripted events.

markdown-it (CommonMark, like the marked renderer in the browser) is the
reference for what is and is not live markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt

from app.answer.tutor import Answer, Turn, Waiting

_RENDERER = MarkdownIt("commonmark").enable("table")
# What GitHub-flavoured Markdown (Gradio's renderer runs with gfm on) links without any brackets.
BARE_LINK = re.compile(r"://|\bwww\.|\w@\w", re.IGNORECASE)


def rendered(markdown: str) -> str:
    return _RENDERER.render(markdown)


def live_markup(markdown: str) -> list[str]:
    """The live HTML, links, images and bare autolinks that `markdown` would show."""
    html = rendered(markdown)
    found = re.findall(r"<(?:a|img|script|b|iframe)\b[^>]*>", html)
    return found + BARE_LINK.findall(markdown)


class FakeTutor:
    """Streams its scripted events; an exception among them is raised when reached."""

    def __init__(self, *events: str | Waiting | Answer | BaseException) -> None:
        self.events = events
        self.calls: list[tuple[str, list[Turn]]] = []

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | Waiting | Answer]:
        self.calls.append((question, list(history)))
        for event in self.events:
            if isinstance(event, BaseException):
                raise event
            yield event
