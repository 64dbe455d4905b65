"""Sections → chunks that fit the embedder's window, with stable ids.

Each chunk is embedded as "breadcrumb + body", so a bullet list under
"Core Concepts" is found by questions about *Linear Algebra*. A section that
would overflow the embedder's window (256 word pieces for MiniLM, counted with
its own tokenizer, not estimated) is split between its top-level bullets,
then between lines, then between words; every piece repeats the breadcrumb.

Besides the whole-section chunk, a section with several top-level bullets also
gets one small chunk per bullet group. A question about rebasing then matches
the "Version Control" bullets directly instead of a diluted average of the
whole "Software Development Practices" section.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.markdown import Section

TokenCounter = Callable[[str], int]
_CARD_LABEL = re.compile(r"[A-Z][A-Za-z ]{2,40}:")  # "Why an AI engineer needs it:", "Typical tools:"
_LIST_ITEM = re.compile(r"([-*+]|\d+[.)])\s")
SEPARATOR = " > "


@dataclass(frozen=True)
class Chunk:
    """One unit of retrieval: a piece of one section's text under its heading path."""

    id: str
    source: str
    path: tuple[str, ...]
    text: str
    kind: str  # "section" (a section or a piece), "group" (one bullet group), "card", "entry"
    order: int
    tokens: int  # embedder word pieces of `embed_text`, special tokens included
    tiktoken_tokens: int  # tiktoken count of `text`, for prompt budgeting

    @property
    def breadcrumb(self) -> str:
        return SEPARATOR.join(self.path)

    @property
    def embed_text(self) -> str:
        return embed_text(self.path, self.text)


def embed_text(path: Iterable[str], text: str) -> str:
    """What the embedder sees: the breadcrumb first, then the body."""
    return f"{SEPARATOR.join(path)}\n{text}".strip()


def chunk_id(source: str, path: Iterable[str], text: str, kind: str) -> str:
    """Content-derived id: unchanged text under an unchanged path keeps its id across runs."""
    key = "\x1f".join([source, SEPARATOR.join(path), kind, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def chunk_sections(
    sections: list[Section],
    source: str,
    count_tokens: TokenCounter,
    count_tiktoken: TokenCounter,
    max_tokens: int,
    kind: str = "section",
) -> list[Chunk]:
    """Chunks for one document, in document order, ids unique within it.

    Knowledge cards (`kind="card"`) and topic entries (`kind="entry"`) are prose: they get
    no bullet-group chunks.
    """
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}

    def add(path: tuple[str, ...], text: str, kind: str) -> None:
        base = chunk_id(source, path, text, kind)
        # Duplicate headings with identical text would collide; the ordinal keeps
        # ids unique while still deterministic.
        n = seen.get(base, 0)
        seen[base] = n + 1
        cid = base if n == 0 else f"{base}-{n}"
        chunks.append(
            Chunk(
                id=cid,
                source=source,
                path=path,
                text=text,
                kind=kind,
                order=len(chunks),
                tokens=count_tokens(embed_text(path, text)),
                tiktoken_tokens=count_tiktoken(text),
            )
        )

    for section in sections:
        if kind in ("card", "entry"):
            # A card's explanation and its labelled parts (why, tools, self-check) embed apart:
            # one vector for a whole card blurs what the explanation says.
            for part in card_parts(section.text):
                for piece in pack(section.path, [part], count_tokens, max_tokens):
                    add(section.path, piece, kind)
            continue
        groups = bullet_groups(section.text)
        for piece in pack(section.path, groups, count_tokens, max_tokens):
            add(section.path, piece, kind)
        if kind == "section" and len(groups) > 1:
            for group in groups:
                for piece in pack(section.path, [group], count_tokens, max_tokens):
                    add(section.path, piece, "group")
    return chunks


def card_parts(text: str) -> list[str]:
    """A card's explanation, then the rest (its "Label: …" parts) as one piece."""
    lines = text.splitlines()
    cut = next((i for i, line in enumerate(lines) if i and _CARD_LABEL.match(line)), len(lines))
    parts = ["\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()]
    return [p for p in parts if p]


def bullet_groups(text: str) -> list[str]:
    """Split a body into top-level items: a list marker at the outermost indent starts a group.

    Other lines (nested bullets, paragraphs, code) stay with the group they follow.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [""]
    outer = min(len(line) - len(line.lstrip()) for line in lines)
    groups: list[list[str]] = []
    for line in lines:
        starts_item = len(line) - len(line.lstrip()) == outer and _LIST_ITEM.match(line.lstrip())
        if not groups or starts_item:
            groups.append([line])
        else:
            groups[-1].append(line)
    return ["\n".join(group) for group in groups]


def pack(
    path: tuple[str, ...],
    units: list[str],
    count_tokens: TokenCounter,
    max_tokens: int,
    joiner: str = "\n",
) -> list[str]:
    """Greedily join units into pieces whose embed text fits `max_tokens`."""

    def fits(text: str) -> bool:
        return count_tokens(embed_text(path, text)) <= max_tokens

    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.append(current)
        if fits(unit):
            current = unit
            continue
        # One unit alone is too big: fall back to lines, then to words.
        by_line = "\n" in unit
        smaller = unit.splitlines() if by_line else unit.split(" ")
        parts = (
            pack(path, smaller, count_tokens, max_tokens, "\n" if by_line else " ")
            if len(smaller) > 1
            else [unit]  # a single unbreakable word: keep it, the embedder truncates
        )
        pieces.extend(parts[:-1])
        current = parts[-1]
    if current or not pieces:
        pieces.append(current)
    return pieces
