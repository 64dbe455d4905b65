"""How composing reads a candidate sentence's relevance: in the context of its entry."""

from __future__ import annotations

import numpy as np

from app.answer.compose import EntryText, explain
from app.answer.relevance import named
from app.answer.retrieve import Hit
from ingest.store import StoredChunk

WHAT = (
    "TF-IDF is a way to turn text into vectors. The inverse document frequency part lowers common words."
    " TF-IDF vectors are sparse."
)
IDF = "The inverse document frequency part lowers common words."


def tfidf() -> EntryText:
    return EntryText.of(Hit(StoredChunk("TF-IDF", "roadmap", ("NLP", "TF-IDF"), WHAT, "entry", 10), 0.9))


def test_a_sentence_that_does_not_name_its_entry_is_read_after_the_entrys_name() -> None:
    assert named("TF-IDF", IDF) == f"TF-IDF: {IDF}"
    assert named("TF-IDF", "TF-IDF vectors are sparse.") == "TF-IDF vectors are sparse."


def test_the_opening_entrys_sentence_on_how_it_works_counts_with_its_entrys_name() -> None:
    """ "Explain how TF-IDF measures word importance" got "TF-IDF vectors are sparse" (0.68 to the
    question) rather than the sentence on the IDF part (0.41 on its own; it never says "TF-IDF")."""
    cosines = {IDF: 0.41, f"TF-IDF: {IDF}": 0.75, "TF-IDF vectors are sparse.": 0.68}

    def near(texts):
        """Each text at its cosine to the question (x), the rest of it on an axis of its own."""
        rows = np.zeros((len(texts), len(texts) + 1))
        for n, text in enumerate(texts):
            cosine = 1.0 if n == 0 else cosines.get(text, 0.9)
            rows[n, 0], rows[n, n + 1] = cosine, (1 - cosine**2) ** 0.5
        return rows

    question = "Explain how TF-IDF measures word importance"
    chosen = [s.text for s in explain(question, [tfidf()], near, most=2)]
    assert chosen == ["TF-IDF is a way to turn text into vectors.", IDF]
    cosines[f"TF-IDF: {IDF}"] = 0.41  # read alone, it would lose to the sentence that names TF-IDF
    chosen = [s.text for s in explain(question, [tfidf()], near, most=2)]
    assert chosen[1] == "TF-IDF vectors are sparse."
