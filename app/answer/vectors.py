"""Sentence vectors for composing answers, cached: the same entries' sentences come up again and again.

Composing an answer compares the question with a few dozen candidate sentences;
embedding them on the spot is most of the time an answer takes (about half a
second on two cores). Each sentence's vector is kept (up to `CACHE_SIZE`), and
`tutor ingest` embeds every sentence an answer may use once and saves them to a
file (`save`), which the tutor loads at start: an answer then embeds only the
question. The file is a cache keyed by the sentences' text and the embedder, so
a stale or missing one only costs time.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)
CACHE_SIZE = 20_000  # sentences; about 30 MB of float32 vectors at 384 dimensions
FILE_NAME = "sentence-vectors.npz"  # under TUTOR_HOME/cache


class SentenceVectors:
    """`vectors(texts)`: one embedding row per text, in order, from the cache where it can."""

    def __init__(self, embeddings: Embeddings, size: int = CACHE_SIZE, path: Path | None = None) -> None:
        """With `path`, the vectors saved there for this embedder are loaded now."""
        self.embeddings = embeddings
        self.size = size
        self.path = path
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        if path is not None:
            self._load(path)

    @property
    def embedder(self) -> str:
        """Which embedder made the vectors: its model's name or path."""
        return str(getattr(self.embeddings, "model_name", type(self.embeddings).__name__))

    def __len__(self) -> int:
        return len(self._cache)

    def add(self, text: str, vector: Sequence[float]) -> None:
        """Cache a vector computed elsewhere by the same embedder (a query's, by retrieval)."""
        import numpy as np

        self._put([text], [np.asarray(vector, dtype=np.float32)])

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The texts, once each, that have no cached vector."""
        with self._lock:
            return [t for t in dict.fromkeys(texts) if t not in self._cache]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        self._embed(self.missing(texts))
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

    def prepare(self, texts: Iterable[str], batch: int = 256, progress: bool = False) -> int:
        """Embed the texts not cached yet, in batches (a progress bar when asked), then save; how many."""
        missing = self.missing(texts)
        if missing:
            from tqdm import tqdm

            with tqdm(
                total=len(missing), desc="answer sentences", unit=" sentences", disable=not progress
            ) as bar:
                for start in range(0, len(missing), batch):
                    self._embed(missing[start : start + batch])
                    bar.update(len(missing[start : start + batch]))
        if missing or not (self.path and self.path.exists()):
            self.save()
        return len(missing)

    def _embed(self, texts: list[str]) -> None:
        import numpy as np

        if texts:
            self._put(texts, np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32))

    def _put(self, texts: Sequence[str], vectors: Iterable[np.ndarray]) -> None:
        """Cache the vectors as the most recent, dropping the oldest beyond `size`."""
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def save(self) -> None:
        """Write the cached vectors to `path` at once (a reader sees the old file or the new one)."""
        import numpy as np

        if self.path is None:
            return
        with self._lock:
            texts = list(self._cache)
            rows = np.stack(list(self._cache.values())) if texts else np.zeros((0, 0), np.float32)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez(out, texts=np.asarray(json.dumps(texts)), vectors=rows, embedder=self.embedder)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _load(self, path: Path) -> None:
        import numpy as np

        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["embedder"]) != self.embedder:
                    log.info("%s: made by another embedder; sentences will be embedded again", path)
                    return
                texts, rows = json.loads(str(saved["texts"])), saved["vectors"]
        except FileNotFoundError:
            return
        except (
            OSError,
            ValueError,
            KeyError,
            EOFError,
            zipfile.BadZipFile,
        ) as error:  # a damaged file is only a slower start
            log.warning("%s: cannot read the saved sentence vectors (%s); embedding as needed", path, error)
            return
        for text, row in zip(texts[-self.size :], rows[-self.size :], strict=True):
            self._cache[text] = row
