"""Every sentence an answer may compare a question with, so `tutor ingest` can embed them once.

Composing compares the question with topic entries' candidate sentences and the
section cards' sentences (app/answer/compose.py); the coverage decision compares
it with entries' "name: definition" (app/answer/coverage.py), and a comparison's
side with the names of the entries found for it. All of them are
known once the index is built; app/answer/vectors.py embeds and saves them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.answer.compose import EntryText
from app.answer.coverage import entry_name
from app.answer.relevance import named
from app.answer.retrieve import Hit
from ingest.entries import sentences

if TYPE_CHECKING:
    from app.answer.retrieve import Retriever


def answer_sentences(retriever: Retriever) -> list[str]:
    """Every text an answer may embed besides the question and a comparison's sides: each topic
    entry's candidate sentences (also as named after the entry, `relevance.named`), its
    "name: definition" (for the coverage decision) and its name (for a comparison's side), each
    card's sentences."""
    corpus = retriever.refresh()
    texts: list[str] = []
    for chunks in corpus.entries.values():
        first, *rest = chunks
        hit = Hit(first, 0.0, "\n".join(c.text for c in rest))
        entry = EntryText.of(hit)
        texts += [text for _, text in entry.candidates()]
        texts += [named(entry.name, text) for _, text in entry.candidates()]  # as relevance reads them
        texts += [entry_name(hit), first.path[-1]]  # the name alone: a comparison's side is matched to it
    for cards in corpus.cards.values():
        texts += sentences(cards[0].text)
    return list(dict.fromkeys(texts))
