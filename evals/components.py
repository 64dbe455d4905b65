"""The tutor's real parts as the evaluation suites use them: built once, on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.retrieve import Retriever
    from app.settings import Settings
    from app.study import StudyPlanner
    from app.tutor import Tutor

Progress = Callable[[Iterable, str], Iterable]


def no_progress(items: Iterable, _desc: str) -> Iterable:
    return items


@dataclass
class Components:
    """The tutor's real parts, built on first use and shared by the suites."""

    settings: Settings

    @cached_property
    def retriever(self) -> Retriever:
        from app.components import open_retriever

        return open_retriever(self.settings)

    @cached_property
    def tutor(self) -> Tutor:
        from app.components import build_tutor

        return build_tutor(self.settings, retriever=self.retriever)

    @cached_property
    def planner(self) -> StudyPlanner:
        from app.components import build_study_planner

        # Plans need no index; share the embedder when the retriever already loaded it.
        retriever = self.__dict__.get("retriever")
        return build_study_planner(self.settings, retriever.embeddings if retriever else None)

    @cached_property
    def similarity(self) -> Similarity:
        return Similarity(self.retriever.embeddings)


class Similarity:
    """Cosine similarity of two texts under the tutor's embedder, with a cache."""

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self._vectors: dict[str, object] = {}

    def warm(self, texts: Iterable[str]) -> None:
        new = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if new:
            import numpy as np

            for text, vector in zip(new, self.embeddings.embed_documents(new)):
                v = np.asarray(vector)
                self._vectors[text] = v / (np.linalg.norm(v) or 1.0)

    def __call__(self, a: str, b: str) -> float:
        self.warm([a, b])
        return float(self._vectors[a] @ self._vectors[b])
