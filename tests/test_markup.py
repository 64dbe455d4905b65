"""app/web/markup.py: roadmap, card and learner text is shown as typed, never as live markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plugins.web import BARE_LINK, live_markup, rendered

from app.web.markup import chat_markdown, escape, unescape

# --- escape and chat_markdown ----------------------------------------------------------

HOSTILE = {
    "html": "<b>bold</b>",
    "script": "<script>alert(1)</script>",
    "link": "[x](http://e.com)",
    "image": "![i](u)",
    "www": "see www.x.org",
    "email": "mail a@b.c",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_chat_markdown_leaves_no_live_html_links_or_images(text: str) -> None:
    out = chat_markdown(text)

    assert "<" not in out
    assert live_markup(out) == []


def test_chat_markdown_keeps_a_backslash_from_reviving_a_link() -> None:
    # A learner's own backslash before a bracket must not cancel the bracket's escape.
    out = chat_markdown(r"I know \[x\](http://e.com)")

    assert "<a " not in rendered(out)


def test_chat_markdown_keeps_the_planners_bold_and_table() -> None:
    reply = "Here is a plan for **mlops engineer**.\n\n| a | b |\n|---|---|\n| 1 | 2 |"

    out = chat_markdown(reply)

    assert out == reply
    html = rendered(out)
    assert "<strong>mlops engineer</strong>" in html
    assert "<th>a</th>" in html and "<td>2</td>" in html


def test_chat_markdown_shows_entities_as_typed() -> None:
    # "&lt;" typed by the learner stays four characters, not a "<".
    assert rendered(chat_markdown("a &lt;b&gt; & c")) == "<p>a &amp;lt;b&amp;gt; &amp; c</p>\n"


@pytest.mark.parametrize("text", [*HOSTILE.values(), "**bold**", "| a | b |"])
def test_escape_shows_text_as_typed(text: str) -> None:
    """Roadmap text is data: whatever it contains renders back to exactly itself."""
    out = escape(text)

    assert "<" not in out
    assert re.findall(r"<(?:a|img|strong|em|table|script|b)\b", rendered(out)) == []
    # One paragraph whose text, entities decoded, is the input.
    assert rendered(out) == f"<p>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>\n"


def test_escape_leaves_no_bare_autolink() -> None:
    # Gradio renders Markdown with GFM on, which links bare URLs and e-mail addresses;
    # escape() promises "no Markdown markup", and chat_markdown breaks the same text up.
    texts = ["see www.x.org", "mail a@b.c", "see http://e.com"]

    assert {text: BARE_LINK.findall(escape(text)) for text in texts} == {text: [] for text in texts}


@given(st.text())
def test_unescape_gives_back_exactly_what_escape_was_given(text: str) -> None:
    assert unescape(escape(text)) == text


# --- turns_from_history ----------------------------------------------------------------
