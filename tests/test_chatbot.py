"""app/web/chatbot.py: learners' messages reach the browser as text and come back exactly as typed."""

from __future__ import annotations

import pytest
from plugins.web import FakeTutor, live_markup

from app.web.chatbot import as_typed
from app.web.markup import escape
from app.web.page import TutorUI

TYPED = [
    '<img src=x onerror="window.pwned = 1">',
    "<script>document.title = 'pwned'</script>",
    "![pixel](http://198.51.100.7/p.png) and [a link](javascript:alert(1))",
    "**bold**, `code`, \\[not a link\\], a@b.c and www.example.org",
    "plain question about KL divergence?",
]


@pytest.fixture
def chatbot():
    import gradio as gr

    return as_typed(gr.Chatbot())


def sent_texts(payload) -> list[tuple[str, str]]:
    """(role, text) of each message as it goes to the browser."""
    return [(m.role, "".join(part.text for part in m.content)) for m in payload.root]


@pytest.mark.parametrize("typed", TYPED)
def test_a_learners_message_goes_out_escaped_and_comes_back_as_typed(chatbot, typed: str) -> None:
    history = [
        {"role": "user", "content": typed},
        {"role": "assistant", "content": "**[1]** an answer of ours, with its Markdown"},
    ]

    payload = chatbot.postprocess(history)

    assert sent_texts(payload) == [
        ("user", escape(typed)),
        ("assistant", "**[1]** an answer of ours, with its Markdown"),
    ]
    assert live_markup(escape(typed)) == []
    back = chatbot.preprocess(payload)
    assert [(m["role"], [part["text"] for part in m["content"]]) for m in back] == [
        ("user", [typed]),
        ("assistant", ["**[1]** an answer of ours, with its Markdown"]),
    ]
    assert history[0]["content"] == typed  # the caller's history is not changed


def test_history_that_went_round_once_is_not_escaped_twice(chatbot) -> None:
    # What the chat function gets back (normalised content blocks) goes out again with the next answer.
    typed = "<b>tags</b> & entities like &lt;"
    once = chatbot.preprocess(chatbot.postprocess([{"role": "user", "content": typed}]))

    assert sent_texts(chatbot.postprocess(once)) == [("user", escape(typed))]


def test_the_page_uses_it() -> None:
    import gradio as gr

    demo = TutorUI(FakeTutor()).build()
    (chat,) = [b for b in demo.blocks.values() if isinstance(b, gr.Chatbot)]

    assert sent_texts(chat.postprocess([{"role": "user", "content": "<b>x</b>"}])) == [
        ("user", "&lt;b&gt;x&lt;/b&gt;")
    ]
