"""Text shown as text: escaping for Gradio's Markdown, so roadmap, card and learner text never turns into
HTML, links, images or LaTeX. Shared by the page and its tabs."""

from __future__ import annotations

import html
import re

WARNING = "⚠️ "
SNIPPET_CHARS = 200
# Markdown punctuation that could turn roadmap text into links, emphasis, tables or LaTeX.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_BULLET = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
# Where GitHub-flavoured Markdown links bare text: URLs, `www.` and e-mail addresses.
_AUTOLINK = re.compile(r"://|\bwww\.|@", re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def escape(text: str) -> str:
    """Text shown as-is: no live HTML (`<`, `>`, `&`), no Markdown markup, no auto-links."""
    return _break_autolinks(_MARKDOWN.sub(r"\\\1", html.escape(text, quote=False)))


def unescape(text: str) -> str:
    """The text `escape` was given: every backslash it added precedes one character, then the entities."""
    return html.unescape(_ESCAPED.sub(r"\1", text))


def _break_autolinks(text: str) -> str:
    # Escaping the punctuation of "://", "www." and "@" stops GFM from linking bare text.
    return _AUTOLINK.sub(lambda m: re.sub(r"([:/.@])", r"\\\1", m.group(0)), text)


def chat_markdown(text: str) -> str:
    """A planner reply as chat Markdown: its bold and table stay; the learner's words stay text.

    The reply quotes the learner's goal and topics, so no HTML and no link or
    image syntax may pass: `<>&` become entities, brackets are escaped, and
    bare URLs are broken up so they are not linked.
    """
    # Backslashes first: a learner's own "\\[" must not cancel the escape added here.
    text = html.escape(text, quote=False).replace("\\", "\\\\")
    return _break_autolinks(text.replace("[", "\\[").replace("]", "\\]"))


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The first `limit` characters of a chunk on one line, cut at a word boundary.

    Bullet markers go: roadmap items end with full stops, so they read as sentences.
    """
    flat = " ".join(_BULLET.sub("", text).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"
