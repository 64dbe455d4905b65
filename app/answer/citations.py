"""Citation checking: every `[n]` in an answer must point at an excerpt that was retrieved.

A small model cites unreliably: it invents `[7]` when there were four
excerpts, or cites nothing. Markers that point nowhere are removed; a sentence
left without one is attributed, by embedding similarity, to the excerpt it is
closest to. Markers are then renumbered by first use, so `[n]` in the text is
citation n of the answer.

The composed opening is written by code and already cites correctly, and it
may quote text that looks like markers (the example "[[2, 1], [1, 1]]", the
Python list "[1, 2, 3]"), so only the model's sentences are read for markers.
Excerpts go into the model's prompt quoted where they look like its structure
or like a marker (`as_data`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.chunk import embed_text

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from app.answer.retrieve import Hit

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_EXCERPT_NUMBER = re.compile(r"\[\d+\]")


def cited_numbers(text: str) -> list[int]:
    """Every number inside `[n]` or `[n, m]` markers, in order of appearance."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"\s*,\s*", group)]


def drop_invalid(text: str, count: int) -> str:
    """Remove markers (or the numbers in them) that point past the `count` excerpts."""

    def keep(match: re.Match) -> str:
        valid = [n for n in re.split(r"\s*,\s*", match.group(1)) if 1 <= int(n) <= count]
        return f"[{', '.join(valid)}]" if valid else ""

    text = MARKER.sub(keep, text)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def attach_citations(
    sentences: Sequence[str],
    hits: Sequence[Hit],
    embeddings: Embeddings,
    opening: str = "",
    opening_cites: int = 0,
) -> tuple[str, list[Hit]]:
    """Join sentences into an answer whose markers are valid and renumbered, with the hits cited.

    `opening`, written by code, comes first as it is: its markers cite `hits[:opening_cites]`,
    numbered by first use, and nothing else in it is read as a marker.
    """
    sentences = [drop_invalid(s, len(hits)) for s in sentences]
    unmarked = [i for i, s in enumerate(sentences) if not cited_numbers(s)]
    if unmarked:
        best = _closest_hits([sentences[i] for i in unmarked], hits, embeddings)
        for i, n in zip(unmarked, best):
            sentences[i] = before_final_punctuation(sentences[i], f" [{n}]")
    text = " ".join(sentences)
    order: list[int] = list(range(1, opening_cites + 1))
    for n in cited_numbers(text):
        if n not in order:
            order.append(n)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    text = MARKER.sub(
        lambda m: "[" + ", ".join(str(renumber[int(n)]) for n in re.split(r"\s*,\s*", m.group(1))) + "]",
        text,
    )
    return " ".join(part for part in (opening, text) if part), [hits[n - 1] for n in order]


def _closest_hits(sentences: list[str], hits: Sequence[Hit], embeddings: Embeddings) -> list[int]:
    import numpy as np

    texts = sentences + [embed_text(h.chunk.path, f"{h.chunk.text}\n{h.note}") for h in hits]
    vectors = np.asarray(embeddings.embed_documents(texts))
    similarity = vectors[: len(sentences)] @ vectors[len(sentences) :].T
    return [int(row.argmax()) + 1 for row in similarity]


def before_final_punctuation(sentence: str, marker: str) -> str:
    stripped = sentence.rstrip()
    if stripped and stripped[-1] in ".!?":
        return f"{stripped[:-1]}{marker}{stripped[-1]}"
    return f"{stripped}{marker}"


def as_data(text: str, labels: Sequence[str]) -> str:
    """Excerpt text as it goes into the prompt: lines that mimic the prompt's structure quoted.

    A document may contain "Question: …" or "Answer: …" lines, or a fake "[3]"
    excerpt; quoted, they stay inside the excerpt they came from.
    """
    starts = tuple(label.lower() for label in labels)

    def line_as_data(line: str) -> str:
        bare = line.lstrip().lower()
        return f"> {line}" if bare.startswith(starts) or _EXCERPT_NUMBER.match(bare) else line

    return "\n".join(line_as_data(line) for line in text.split("\n"))
