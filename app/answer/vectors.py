"""Sentence vectors for composing answers, cached: the same entries' sentences come up again and again.

Composing an answer compares the question with a few dozen candidate sentences;
embedding them is most of the time an answer takes. Each sentence's vector is
kept (up to `CACHE_SIZE`), so a topic asked about before costs only the question.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings

CACHE_SIZE = 20_000  # sentences; about 30 MB of float32 vectors at 384 dimensions


class SentenceVectors:
    """`vectors(texts)`: one embedding row per text, in order, from the cache where it can."""

    def __init__(self, embeddings: Embeddings, size: int = CACHE_SIZE) -> None:
        self.embeddings = embeddings
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = np.asarray(self.embeddings.embed_documents(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._cache[text] = vector
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._cache.get(text)
                if vector is None:  # evicted by another thread meanwhile: embed it again
                    vector = np.asarray(self.embeddings.embed_documents([text])[0], dtype=np.float32)
                else:
                    self._cache.move_to_end(text)
                rows.append(vector)
        return np.stack(rows)
