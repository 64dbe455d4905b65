"""A candidate sentence read in the context of its entry.

The embedder scores a sentence on its own, so "The inverse document frequency part, in its basic
form log(N / df), lowers the weight of words that appear in many of the N documents" is far from
"Explain how TF-IDF measures word importance" (0.41): it never says "TF-IDF", while "TF-IDF
vectors are sparse" (0.68) does. Read after its entry's name ("TF-IDF: The inverse …", 0.75) it
competes on what it says. Composing reads the sentences of the entries asked about this way
(`compose.explain`), and `tutor ingest` embeds those readings with the rest (`app.answer.sentences`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app.answer.aside import loose

if TYPE_CHECKING:
    import numpy as np

Vectors = Callable[[Sequence[str]], "np.ndarray"]


def named(name: str, text: str) -> str:
    """The sentence as read in context: after its entry's name, unless it names the entry itself."""
    return text if loose(name) & loose(text) else f"{name}: {text}"


def in_context(question: str, candidates: Sequence[tuple[str, str]], relevance: np.ndarray, vectors: Vectors):
    """The relevance of each (entry name, sentence) to the question: as given, or as the sentence
    reads after its entry's name, whichever is more."""
    import numpy as np

    ranked = np.array(relevance, dtype=float)
    framed = [i for i, (name, text) in enumerate(candidates) if named(name, text) != text]
    if framed:
        rows = vectors([question, *(named(*candidates[i]) for i in framed)])
        ranked[framed] = np.maximum(ranked[framed], rows[1:] @ rows[0])
    return ranked
