"""ingest/store.py against a real Chroma in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import TutorError
from ingest.chunk import Chunk
from ingest.store import Store, StoredChunk, connect


def make_chunk(cid: str, path: tuple[str, ...], text: str, source: str = "notes.md") -> Chunk:
    return Chunk(
        id=cid,
        source=source,
        path=path,
        text=text,
        kind="section",
        order=0,
        tokens=10,
        tiktoken_tokens=7,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.create(connect(None, tmp_path / "chroma"), "roadmap")


def test_chunks_round_trip_with_their_path(store: Store) -> None:
    chunks = [
        make_chunk("a", ("Café › Ünïcode", "1. Basics"), "- Crème brûlée."),
        make_chunk("b", ("Other",), "- Second.", source="other.md"),
    ]
    store.add(chunks, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert store.count() == 2
    assert store.all_chunks() == [
        StoredChunk("a", "notes.md", ("Café › Ünïcode", "1. Basics"), "- Crème brûlée.", "section", 7),
        StoredChunk("b", "other.md", ("Other",), "- Second.", "section", 7),
    ]
    assert store.ids_by_source() == {"notes.md": {"a"}, "other.md": {"b"}}
    assert store.vectors(["b", "missing"]) == {"b": [0.0, 1.0, 0.0]}


def test_adding_the_same_id_again_replaces_it(store: Store) -> None:
    store.add([make_chunk("a", ("A",), "old")], [[1.0, 0.0]])
    store.add([make_chunk("a", ("A",), "new")], [[0.0, 1.0]])
    assert store.count() == 1
    assert store.all_chunks()[0].text == "new"


def test_nearest_returns_cosine_similarity(store: Store) -> None:
    store.add(
        [make_chunk("x", ("X",), "x"), make_chunk("y", ("Y",), "y"), make_chunk("xy", ("XY",), "xy")],
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]],
    )
    # An unnormalised query: cosine ignores its length, L2 distance would not.
    result = store.nearest([3.0, 0.0, 0.0], k=3)
    assert [cid for cid, _ in result] == ["x", "xy", "y"]
    assert [round(score, 4) for _, score in result] == [1.0, round(2**-0.5, 4), 0.0]


def test_nearest_caps_k_at_the_collection_size(store: Store) -> None:
    store.add([make_chunk("x", ("X",), "x")], [[1.0, 0.0]])
    assert [cid for cid, _ in store.nearest([1.0, 0.0], k=50)] == ["x"]


def test_index_survives_a_new_client(tmp_path: Path) -> None:
    store = Store.create(connect(None, tmp_path / "chroma"), "roadmap")
    store.add([make_chunk("a", ("A",), "kept")], [[1.0, 0.0]])
    reopened = Store(connect(None, tmp_path / "chroma").get_collection("roadmap"))
    assert [(c.id, c.text) for c in reopened.all_chunks()] == [("a", "kept")]


def test_real_embedding_finds_its_own_chunk(store: Store, embeddings) -> None:
    chunks = [
        make_chunk("git", ("Version Control",), "- Git: commits, branches, rebasing."),
        make_chunk("mlflow", ("Experiment Tracking",), "- MLflow, Weights & Biases."),
    ]
    store.add(chunks, embeddings.embed_documents([c.embed_text for c in chunks]))
    (best, score), _ = store.nearest(
        embeddings.embed_query("Experiment Tracking\n- MLflow, Weights & Biases."), 2
    )
    assert best == "mlflow"
    assert score == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("url", ["ftp://example.org", "localhost:8000", "http://"])
def test_a_chroma_url_that_is_not_http_is_a_user_error(url: str, tmp_path: Path) -> None:
    with pytest.raises(TutorError, match="is not an http\\(s\\) URL"):
        connect(url, tmp_path / "chroma")
    assert not (tmp_path / "chroma").exists()
