"""Checks by code on what the model wrote, and the extractive lead that needs no model.

The embedded model has 270M parameters: it copies well and invents freely.
So every sentence it writes is checked against the retrieved excerpts: the
share of its content words (stemmed, stopwords removed) that occur in the
excerpts or the question is its *support*. Sentences below the threshold are
dropped, and the learner is told how many. The answer always opens with a lead
built from the top excerpt itself, so even with every model sentence dropped
the learner gets the roadmap's own words and where they sit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.retrieve import Hit

SUPPORT_THRESHOLD = 0.75
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'-]*|\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(\"'])|\n+")
_MARKERS = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
LEAD_GROUPS = 4  # bullet groups of the top excerpt quoted in the lead
MIN_WORDS = 4


@lru_cache(maxsize=1)
def _stemmer_and_stopwords():
    import Stemmer
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return Stemmer.Stemmer("english"), frozenset(STOPWORDS_EN_PLUS)


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words of `text`."""
    stemmer, stopwords = _stemmer_and_stopwords()
    words = [w.lower().strip("'-") for w in _WORD.findall(_MARKERS.sub(" ", text))]
    return stemmer.stemWords([w for w in words if w and w not in stopwords])


def support(sentence: str, evidence: Iterable[str]) -> float:
    """Share of the sentence's content words found in the evidence (1.0 for no content words)."""
    terms = content_terms(sentence)
    if not terms:
        return 1.0
    known = {t for text in evidence for t in content_terms(text)}
    return sum(t in known for t in terms) / len(terms)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@dataclass(frozen=True)
class Checked:
    kept: list[str]
    dropped: list[str]


def check_sentences(text: str, hits: Sequence[Hit], question: str) -> Checked:
    """Keep the model's sentences that the excerpts (or the question) support."""
    evidence = [question] + [" ".join(h.chunk.path) + " " + h.chunk.text for h in hits]
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in split_sentences(text):
        if len(content_terms(sentence)) == 0:
            continue  # bare markers or punctuation
        # A sentence that trails off ("The skills include:") or is a fragment says nothing.
        complete = len(sentence.split()) >= MIN_WORDS and not _MARKERS.sub("", sentence).rstrip().endswith(
            ":"
        )
        supported = support(sentence, evidence) >= SUPPORT_THRESHOLD
        (kept if complete and supported else dropped).append(sentence)
    return Checked(kept, dropped)


def flatten(text: str, groups: int = LEAD_GROUPS) -> str:
    """Turn an excerpt's bullet outline into one line: "A: x, y; B: z"."""
    items: list[str] = []
    for block in re.split(r"\n(?=\S)", text.strip())[:groups]:
        lines = [line.strip().lstrip("-*").strip().rstrip(".") for line in block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        head, rest = lines[0], lines[1:]
        items.append(f"{head.rstrip(':')}: {', '.join(rest)}" if rest else head)
    return "; ".join(items)


def lead(hits: Sequence[Hit]) -> str:
    """The opening sentence: where the roadmap covers the question, in its own words [1]."""
    top = hits[0].chunk
    where = " › ".join(top.path)
    summary = flatten(top.text)
    return f"The roadmap covers this under {where} [1]" + (f": {summary}." if summary else ".")
