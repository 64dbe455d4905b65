"""Which candidate sentences an answer leaves out as about something else, or as nothing new.

`compose.explain` picks an answer's sentences by relevance to the question; these checks catch
what the embedder does not: a sentence with few words the answer does not hold already, another
entry's account of its own topic in a "what is X?" answer, and a homonym from another area of the
roadmap ("Normalization is organising a relational schema …" beside batch normalization).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answer.grounding import content_terms
from app.answer.naming import NAME_PARTS

NEW_WORDS = 1 / 3  # the share of a candidate's content words the chosen sentences must not hold


def loose(text: str) -> set[str]:
    """Content words as loosely as a word can match: "R-CNN" and "RCNNs" are both "rcnn"."""
    return {t.removesuffix("s") for t in content_terms(text.replace("-", ""))} - {""}


def little_new(words: set[str], said: Sequence[set[str]]) -> bool:
    """Whether fewer than `NEW_WORDS` of a sentence's content words are new to the chosen ones:
    a card's one-line summary after the entry's fuller account says it again, in other words
    than the embedder finds alike."""
    return bool(words) and len(words.difference(*said)) < NEW_WORDS * len(words)


def about_other(name: str, text: str, named: set[str]) -> bool:
    """Whether a sentence opens on its entry's name and no part of that name is `named`: what
    "Reinforcement learning (RL) is learning by trial and error" says is not what transfer
    learning is, though both are "learning"."""
    words = loose(name)
    opening = loose(" ".join(text.split()[: len(name.split()) + 2]))
    parts = [words, *(loose(part) for part in NAME_PARTS.split(name))]
    return bool(words) and words <= opening and not any(part and part <= named for part in parts)


_IS = re.compile(r"^(?:an?\s+|the\s+)?(?P<term>[\w-]+(?:\s+[\w-]+){0,2})\s+(?:is|are)\b", re.I)


def narrower(text: str, defined: set[str], asked: str = "") -> bool:
    """Whether `text` says what a shorter name of a defined term is: "Normalization is organising a
    relational schema …" after "Batch normalization is a layer …" (in another area, another thing),
    or what the first word of what is `asked` is alone: "A residual is …" for a residual
    connection (but "PyTorch is …" for a PyTorch profiler names the tool, as an entry would)."""
    said = _IS.match(text)
    if not said:
        return False
    name = said["term"].casefold()
    plain = said["term"][1:].islower()  # "residual", "Residuals"; not a name such as "PyTorch"
    if " " not in name and asked.startswith(f"{name} ") and plain:
        return True
    return any(term.endswith(f" {name}") for term in defined)
