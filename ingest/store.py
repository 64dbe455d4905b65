"""The Chroma collection that holds the chunks: embedded on disk, or a Chroma server.

Chunks are stored with their heading path (as JSON, Chroma metadata is flat),
their source file and token counts. The collection uses cosine distance, so
`1 - distance` is the cosine similarity the refusal threshold is set on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from app.core.errors import IndexDamagedError, TutorError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from ingest.chunk import Chunk

REBUILD = "run 'tutor ingest --rebuild'"
COPY_BATCH = 1000  # under Chroma's per-request limit (5461 embedded)


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    id: str
    source: str
    path: tuple[str, ...]
    text: str
    kind: str
    tiktoken_tokens: int
    order: int = 0  # position in its source document


def connect(chroma_url: str | None, chroma_dir: Path) -> ClientAPI:
    """A Chroma client: HTTP when a server URL is set, else persistent files under chroma_dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    options = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise TutorError(
                f"TUTOR_CHROMA_URL={chroma_url!r} is not an http(s) URL, e.g. http://127.0.0.1:8000"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=options,
            )
        except Exception as exc:  # the client pings the server on creation
            raise TutorError(
                f"cannot reach the Chroma server at {chroma_url} ({exc.__class__.__name__}); "
                "start it with 'chroma run' or unset TUTOR_CHROMA_URL"
            ) from exc
    from chromadb.errors import ChromaError

    chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(chroma_dir), settings=options)
    except ChromaError as exc:  # e.g. chroma.sqlite3 is not a database
        from chromadb.api.client import SharedSystemClient

        # Chroma caches the half-started client per folder; the next attempt must start afresh.
        SharedSystemClient.clear_system_cache()
        raise damaged(f"in {chroma_dir}", exc) from exc


def damaged(where: str, exc: BaseException) -> IndexDamagedError:
    """Chroma failing to read its own data, as one line that names the fix."""
    reason = " ".join(str(exc).split()) or exc.__class__.__name__
    return IndexDamagedError(f"the index {where} cannot be read ({reason}): {REBUILD}")


class Store:
    """Thin, typed access to one Chroma collection of chunks."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    @classmethod
    def create(cls, client: ClientAPI, name: str, metadata: dict | None = None) -> Store:
        """A new collection for chunks, searched by cosine similarity."""
        collection = client.create_collection(
            name, configuration={"hnsw": {"space": "cosine"}}, metadata=metadata, embedding_function=None
        )
        return cls(collection)

    @property
    def name(self) -> str:
        return self.collection.name

    def count(self) -> int:
        return self.collection.count()

    def ids_by_source(self) -> dict[str, set[str]]:
        """Every stored chunk id, grouped by the file it came from."""
        return {source: set(orders) for source, orders in self.orders_by_source().items()}

    def orders_by_source(self) -> dict[str, dict[str, int]]:
        """Every stored chunk id with its position in its document, grouped by the file it came from."""
        result = self.collection.get(include=["metadatas"])
        grouped: dict[str, dict[str, int]] = {}
        for cid, meta in zip(result["ids"], result["metadatas"] or []):
            grouped.setdefault(str(meta["source"]), {})[cid] = int(meta.get("order", 0))
        return grouped

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        self.collection.upsert(
            ids=[c.id for c in chunks],
            documents=[c.text for c in chunks],
            embeddings=[list(v) for v in vectors],
            metadatas=[
                {
                    "source": c.source,
                    "path": json.dumps(list(c.path), ensure_ascii=False),
                    "kind": c.kind,
                    "order": c.order,
                    "tokens": c.tokens,
                    "tiktoken_tokens": c.tiktoken_tokens,
                }
                for c in chunks
            ],
        )

    def copy_from(self, other: Store, ids: Sequence[str], orders: Mapping[str, int] | None = None) -> None:
        """Copy chunks with their stored vectors from another collection: no embedding needed.

        `orders` gives a chunk's position in its document as it is now: text added above an
        unchanged chunk moves it down, and an entry's parts must stay in order.
        """
        orders = orders or {}
        for start in range(0, len(ids), COPY_BATCH):
            part = other.collection.get(
                ids=list(ids[start : start + COPY_BATCH]), include=["embeddings", "documents", "metadatas"]
            )
            if part["ids"]:
                metadatas = [
                    {**meta, "order": orders[cid]} if cid in orders else meta
                    for cid, meta in zip(part["ids"], part["metadatas"] or [], strict=True)
                ]
                self.collection.add(
                    ids=part["ids"],
                    embeddings=part["embeddings"],
                    documents=part["documents"],
                    metadatas=metadatas,
                )

    def all_chunks(self) -> list[StoredChunk]:
        """Everything in the index, in source and document order."""
        result = self.collection.get(include=["documents", "metadatas"])
        chunks = [
            _stored(cid, doc, meta)
            for cid, doc, meta in zip(result["ids"], result["documents"], result["metadatas"])
        ]
        return sorted(chunks, key=lambda c: (c.source, c.order, c.id))

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of the chunks `ids`, by id (ids not stored are left out)."""
        result = self.collection.get(ids=list(ids), include=["embeddings"])
        embeddings = result["embeddings"] if result["embeddings"] is not None else []
        return {cid: [float(x) for x in vector] for cid, vector in zip(result["ids"], embeddings)}

    def nearest(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine similarity, best first."""
        result = self.collection.query(
            query_embeddings=[list(vector)], n_results=min(k, self.count()), include=["distances"]
        )
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]


def _stored(cid: str, doc: str | None, meta: dict) -> StoredChunk:
    return StoredChunk(
        id=cid,
        source=str(meta["source"]),
        path=tuple(json.loads(str(meta["path"]))),
        text=doc or "",
        kind=str(meta.get("kind", "section")),
        tiktoken_tokens=int(meta.get("tiktoken_tokens", 0)),
        order=int(meta.get("order", 0)),
    )
