"""Markdown → sections: each heading's own text, addressed by its heading path.

The roadmap is an outline, so its structure *is* its meaning: "Core Concepts"
means nothing until you know it sits under "Linear Algebra". Every section keeps
the full path of cleaned headings above it (the breadcrumb).

One roadmap-specific shape is handled generically: a numbered list whose items
are bare labels (a link or bold text) is an outline of areas, like the overview
at the top of the roadmap. Each such item becomes its own section under the
heading it sits in, with link targets dropped: the areas' bullets are content,
the table-of-contents anchors are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Inline markdown is read by CommonMark's rules: "n_neighbors" and "cross_val_score" are words,
# not emphasis, and what sits in backticks is code, kept as written.
_INLINE = MarkdownIt("commonmark")
_KEPT = frozenset(["text", "code_inline", "html_inline", "image"])  # an image keeps its alt text
# "6. **Model Deployment**" or "1. [Programming](#anchor)": an outline item.
_OUTLINE_ITEM = re.compile(
    r"^(\d+)[.)]\s+(?:\*\*(?P<bold>[^*]+?)\*\*|\[(?P<link>[^\]]+)\]\([^)]*\))\s*:?\s*$"
)
_MAX_HEADING_CHARS = 200
# Terminal escape sequences (CSI such as colours and cursor moves, OSC such as window titles).
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
# Other C0/C1 control characters (tab and line breaks are text), then invisible characters
# that reorder or hide text (bidi overrides and isolates, zero-width space, BOM).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Section:
    """The text directly under one heading (not its subsections)."""

    path: tuple[str, ...]
    text: str


def strip_controls(text: str) -> str:
    """Text without escape sequences, control characters or invisible reordering marks.

    Control characters become spaces (so words they separated stay apart); escape
    sequences and invisible marks are removed.
    """
    return _INVISIBLE.sub("", _CONTROL.sub(" ", _ESCAPE.sub("", text)))


def clean_inline(text: str) -> str:
    """Strip markdown noise from a line: links keep their text, emphasis marks and backticks go.

    The line's indentation is kept (it nests list items); a backslash escape
    leaves the character it escapes.
    """
    body = text.lstrip()
    kept = []
    for token in _INLINE.parseInline(body):
        for child in token.children or ():
            if child.type in _KEPT:
                kept.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                kept.append(" ")
    return text[: len(text) - len(body)] + "".join(kept)


def clean_heading(text: str) -> str:
    """A heading as a reader would name it: no emphasis, no trailing colon."""
    text = " ".join(clean_inline(text).split())
    text = text.rstrip(":").strip()
    if len(text) > _MAX_HEADING_CHARS:  # a runaway heading must not swamp every breadcrumb
        text = text[: _MAX_HEADING_CHARS - 1].rstrip() + "…"
    return text


def parse_sections(markdown: str, title: str) -> list[Section]:
    """Split a markdown document into sections in document order.

    `title` names text that comes before the first heading (and documents
    without headings).
    """
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    body: list[str] = []
    in_fence = False

    def current_path() -> tuple[str, ...]:
        return tuple(name for _, name in stack) or (title,)

    def flush() -> None:
        if any(line.strip() for line in body):
            sections.extend(_split_outline(current_path(), body))
        body.clear()

    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            body.append(line)
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            level, name = len(match.group(1)), clean_heading(match.group(2))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name or "(untitled)"))
            continue
        if not in_fence and _RULE.match(line):
            continue
        body.append(line)
    flush()
    return sections


BREADCRUMB = " > "


def parse_cards(markdown: str) -> list[Section]:
    """Knowledge cards: each `## A > B > C` heading addresses the roadmap section at that path.

    Text outside such headings (a file's title and intro) is not a card and is skipped.
    """
    sections: list[Section] = []
    path: tuple[str, ...] | None = None
    body: list[str] = []

    def flush() -> None:
        if path is not None and any(line.strip() for line in body):
            sections.append(Section(path, _clean_body(body)))

    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 2 and BREADCRUMB in match.group(2):
            flush()
            path, body = tuple(clean_heading(p) for p in match.group(2).split(BREADCRUMB)), []
        elif match:
            flush()
            path, body = None, []
        elif path is not None:
            body.append(line)
    flush()
    return sections


def _split_outline(path: tuple[str, ...], lines: list[str]) -> list[Section]:
    """Turn an outline list (numbered bare-label items) into one section per item."""
    sections: list[Section] = []
    own: list[str] = []
    item_path: tuple[str, ...] | None = None
    item_lines: list[str] = []

    def close_item() -> None:
        if item_path is not None:
            sections.append(Section(item_path, _clean_body(item_lines)))

    for line in lines:
        match = _OUTLINE_ITEM.match(line)
        if match:
            close_item()
            label = clean_heading(match.group("bold") or match.group("link"))
            item_path, item_lines = (*path, f"{match.group(1)}. {label}"), []
        elif item_path is not None and (line.startswith((" ", "\t")) or not line.strip()):
            item_lines.append(line)
        else:
            close_item()
            item_path = None
            own.append(line)
    close_item()
    text = _clean_body(own)
    head = [Section(path, text)] if text else []
    return head + sections


def _clean_body(lines: list[str]) -> str:
    """Body text with inline markdown removed and common indentation trimmed.

    Code blocks are kept verbatim (their `*` and `_` are code, not emphasis),
    without the fence lines.
    """
    kept: list[str] = []
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            kept.append(line.rstrip())
        elif line.strip():
            kept.append(clean_inline(line.rstrip()))
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    indents = [len(line) - len(line.lstrip()) for line in kept if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in kept)
