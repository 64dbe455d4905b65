"""The chat's message list shows what learners type as text: never as HTML, Markdown or a link.

Gradio's Chatbot renders every message as Markdown with sanitised HTML, so a
question with `<img src=x onerror=...>` would show a broken image instead of
the words typed. `as_typed` escapes learners' messages on their way to the
browser and unescapes them on the way back, so the chat function and the
history it receives hold exactly what was typed. Answers pass untouched: `ui`
escapes them itself and keeps their Markdown where it is ours (sources, plans).

It wraps one Chatbot's conversions instead of subclassing Chatbot: Gradio
writes a `.pyi` stub next to the source file of every Component subclass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.web.markup import escape, unescape

if TYPE_CHECKING:
    import gradio as gr


def as_typed(chatbot: gr.Chatbot) -> gr.Chatbot:
    """`chatbot`, now showing the learner's messages as typed."""
    to_browser, from_browser = chatbot.postprocess, chatbot.preprocess

    def postprocess(value: list[Any] | None) -> Any:
        return to_browser(None if value is None else [user_text(m, escape) for m in value])

    def preprocess(payload: Any) -> list[Any]:
        return [user_text(m, unescape) for m in from_browser(payload)]

    chatbot.postprocess, chatbot.preprocess = postprocess, preprocess
    return chatbot


def user_text(message: Any, convert: Callable[[str], str]) -> Any:
    """A copy of a learner's message with `convert` applied to its text; other messages as they are."""
    if not isinstance(message, dict) or message.get("role") != "user":
        return message
    content = message.get("content")
    if isinstance(content, str):
        return {**message, "content": convert(content)}
    if isinstance(content, list):
        parts = [
            {**part, "text": convert(part["text"])}
            if isinstance(part, dict) and part.get("type") == "text"
            else part
            for part in content
        ]
        return {**message, "content": parts}
    return message
