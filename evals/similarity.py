"""Cosine similarity of two texts under the tutor's embedder, cached: what the answer scorers compare with."""

from __future__ import annotations

from collections.abc import Iterable


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
