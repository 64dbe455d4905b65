"""Roadmap bullets a question names: their entries answer it, whatever the entries are called.

"What is feature scaling?" names the roadmap bullet "Feature scaling
(standardization, normalization)", whose entries are Standardization and Min-max
normalization; retrieval alone put Feature vectors and feature spaces first,
since its text says "feature" most. A question that names a bullet, in two words
at least and as written, is answered from that bullet's entries first, unless
it names one of the retrieved entries itself ("what is a DAG in Airflow?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.answer.retrieve import Retrieval
    from ingest.entries import Entry

_ASIDE = re.compile(r"\s*\([^)]*\)")  # "Feature scaling (standardization, normalization)"


class Bullets:
    """The roadmap bullets of the topic entries, as phrases of search terms, with their entries."""

    def __init__(self, entries: Iterable[Entry], terms: Callable[[str], list[str]]) -> None:
        self._terms = terms
        self._paths: dict[str, list[tuple[str, ...]]] = {}
        self._names: dict[str, str] = {}  # entry name → its phrase, as answers meet them
        for entry in entries:
            words = terms(_ASIDE.sub("", entry.roadmap))
            if len(words) >= 2:
                self._paths.setdefault(_phrase(words), []).append(entry.path)

    def named(self, question: str) -> list[tuple[str, ...]]:
        """The entries of the longest bullet the question names (none if it names none)."""
        return self._named(_phrase(self._terms(question)))

    def _named(self, asked: str) -> list[tuple[str, ...]]:
        named = [phrase for phrase in self._paths if phrase in asked]
        return self._paths[max(named, key=len)] if named else []

    def _name(self, name: str) -> str:
        if name not in self._names:
            self._names[name] = _phrase(self._terms(name))
        return self._names[name]

    def names_found(self, question: str, found: Retrieval) -> bool:
        """Whether the question names the bullet of one of the entries retrieval found: the
        roadmap covers it ("is feature scaling necessary for kernel methods?")."""
        paths = set(self.named(question))
        return any(hit.chunk.path in paths for hit in found.entries)

    def first(self, question: str, found: Retrieval) -> Retrieval:
        """`found` with the entries of the bullet the question names first, in retrieval order."""
        asked = _phrase(self._terms(question))
        paths = set(self._named(asked))
        if not paths or not found.entries or found.entries[0].chunk.path in paths:
            return found
        if any(
            hit.chunk.path not in paths and self._name(hit.chunk.path[-1]) in asked for hit in found.entries
        ):
            return found  # the question names another entry outright
        named = [hit for hit in found.entries if hit.chunk.path in paths]
        if not named:
            return found
        rest = [hit for hit in found.entries if hit.chunk.path not in paths]
        return replace(found, entries=[*named, *rest])


def _phrase(words: list[str]) -> str:
    return f" {' '.join(words)} "
