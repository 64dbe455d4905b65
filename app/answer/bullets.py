"""Roadmap bullets a question names: their entries answer it, whatever the entries are called.

"What is feature scaling?" names the roadmap bullet "Feature scaling
(standardization, normalization)", whose entries are Standardization and Min-max
normalization; retrieval alone put Feature vectors and feature spaces first,
since its text says "feature" most. A question that names a bullet, in two words
at least and as written, is answered from that bullet's entries first, unless
it names one of the retrieved entries itself ("what is a DAG in Airflow?").

A bullet also names the items it lists: "Perceptrons, activation functions (ReLU,
sigmoid, tanh)" names tanh, "Special matrices (identity, diagonal, symmetric,
orthogonal)" an orthogonal matrix, and "Observer, Strategy" under Behavioral
patterns the Observer pattern. A question that asks what one of them is
("what is tanh?", "what is YOLO?") names that bullet too, whatever the length of
the item: the roadmap lists it. Without this, "what is tanh?" opened on the
Pingouin statistics library and was told the roadmap does not cover tanh. A
bullet's title lists its alternatives the same way: "C++/Java (optional but
useful for high-performance applications)" names C++ and Java.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from app.answer.naming import NAME_PARTS, called, item_words, subject
from app.answer.retrieve import ENTRY_RELEVANCE

if TYPE_CHECKING:
    from app.answer.retrieve import Hit, Retrieval
    from ingest.entries import Entry

_ASIDE = re.compile(r"\s*\([^)]*\)")  # "Feature scaling (standardization, normalization)"
_LISTED = re.compile(r"\(([^()]*)\)")
_EXAMPLES = re.compile(r"^(e\.g\.|i\.e\.|such as)[,:]?\s*", re.I)
_ITEM_SPLIT = re.compile(r",|;|/|\band\b|\bor\b|\bvs\b\.?", re.I)
_NOT_ITEMS = {"etc", "optional", "other"}
MAX_ITEM_WORDS = 4
FETCHED = 2  # named entries read when the search found none of them, nor anything close


class Bullets:
    """The roadmap bullets of the topic entries, as phrases of search terms, with their entries."""

    def __init__(
        self,
        entries: Iterable[Entry],
        terms: Callable[[str], list[str]],
        fetch: Callable[[list[tuple[str, ...]], Sequence[float] | None], list[Hit]] | None = None,
    ) -> None:
        """`fetch` reads named entries the search did not find (`Retriever.entries_at`)."""
        self._terms = terms
        self._fetch = fetch
        self._paths: dict[str, list[tuple[str, ...]]] = {}
        self._name_phrases: dict[str, list[str]] = {}  # entry name → its phrases, as answers meet them
        self._items: dict[str, list[tuple[str, ...]]] = {}  # a listed item's words → the bullet's entries
        for entry in entries:
            words = terms(_ASIDE.sub("", entry.roadmap))
            if len(words) >= 2:
                self._paths.setdefault(_phrase(words), []).append(entry.path)
            kind = item_words(entry.path[-1]).rpartition(" ")[2]  # Behavioral patterns: "observer pattern"
            # The bullet's title lists too: "C++/Java (optional …)" names C++ and Java.
            for item in dict.fromkeys([*listed(entry.roadmap), *listed(entry.path[-2])]):
                for name in (item, f"{item} {kind}"):
                    paths = self._items.setdefault(name, [])
                    if entry.path not in paths:
                        paths.append(entry.path)

    def named(self, question: str) -> list[tuple[str, ...]]:
        """The entries of the longest bullet the question names, else of the bullet that lists
        the one thing it asks about (none if it names none)."""
        return self._named(_phrase(self._terms(question)), question)

    def _named(self, asked: str, question: str) -> list[tuple[str, ...]]:
        named = [phrase for phrase in self._paths if phrase in asked]
        if named:
            return self._paths[max(named, key=len)]
        return self._items.get(item_words(subject(question) or question), [])

    def _names_entry(self, name: str, asked: str) -> bool:
        """Whether `asked` holds the entry name, or one of its parts ("Mean, median and mode")."""
        if name not in self._name_phrases:
            parts = [name, *NAME_PARTS.split(name)]
            phrases = (_phrase(self._terms(part)) for part in parts)
            self._name_phrases[name] = [phrase for phrase in phrases if phrase.strip()]
        return any(phrase in asked for phrase in self._name_phrases[name])

    def names_found(self, question: str, found: Retrieval) -> bool:
        """Whether the question names the bullet of one of the entries retrieval found: the
        roadmap covers it ("is feature scaling necessary for kernel methods?")."""
        paths = set(self.named(question))
        return any(hit.chunk.path in paths for hit in found.entries)

    def first(self, question: str, found: Retrieval) -> Retrieval:
        """`found` with the entries of the bullet the question names first, in retrieval order."""
        asked = _phrase(self._terms(question))
        ordered = self._named(asked, question)  # in the roadmap's order
        paths = set(ordered)
        if not paths or (found.entries and found.entries[0].chunk.path in paths):
            return found
        thing = item_words(subject(question))
        if thing and not self._named(_phrase(self._terms(subject(question))), question):
            return found  # the bullet is named where the question is asked, not what: "attention in NLP"
        if any(
            hit.chunk.path not in paths
            and (
                self._names_entry(hit.chunk.path[-1], asked)
                or thing
                and (thing in _defined(hit) or called(item_words(_ASIDE.sub("", hit.chunk.path[-1])), thing))
            )
            for hit in found.entries
        ):
            # Another entry is named outright, defines the thing asked about ("PCA"), or is called
            # by it ("Spark": Apache Spark, not the Spark job tuning of a bullet listing SQL and Spark).
            return found
        named = [hit for hit in found.entries if hit.chunk.path in paths]
        close = any(hit.score >= ENTRY_RELEVANCE for hit in found.entries)
        if not named and not close and self._fetch is not None:  # "what are DDPMs?" found PCI DSS
            named = self._fetch(ordered[:FETCHED], found.vector)
        if not named:
            return found
        rest = [hit for hit in found.entries if hit.chunk.path not in paths]
        return replace(found, entries=[*named, *rest])


def _phrase(words: list[str]) -> str:
    return f" {' '.join(words)} "


def _defined(hit: Hit) -> set[str]:
    """What an entry's text defines, as `item_words`, with its alias:
    "Principal component analysis (PCA) is …" defines "principal component analysi" and "pca"."""
    term = re.split(r"\s(?:is|are)\s", hit.chunk.text[:120], maxsplit=1)[0]
    return {item_words(name) for name in [_ASIDE.sub("", term), *_LISTED.findall(term)]}


def listed(roadmap: str) -> list[str]:
    """The items a roadmap bullet lists, as `item_words`: those in parentheses, with the bullet's
    last word too ("orthogonal matrix"), one alone being a short name ("Denoising Diffusion
    Probabilistic Models (DDPMs)"), and those of a list after an optional "Label:"."""
    found: list[str] = []
    main = _ASIDE.sub("", roadmap).strip(" .")
    head = item_words(main).rpartition(" ")[2]
    lists = [(_EXAMPLES.sub("", inner.strip()), head) for inner in _LISTED.findall(roadmap)]
    lists.append((main.partition(":")[2] or main, ""))
    for text, noun in lists:
        items = [item_words(part) for part in _ITEM_SPLIT.split(text)]
        items = [item for item in items if item and item not in _NOT_ITEMS]
        if len(items) < 2 and not noun:  # a one-item bullet is the bullet itself ("Optimization.")
            continue
        for item in items:
            if len(item.split()) <= MAX_ITEM_WORDS:
                found += [item, f"{item} {noun}"] if noun and not item.endswith(noun) else [item]
    return found
