"""app/answer/vectors.py and sentences.py: sentence vectors prepared at ingest, saved, loaded.

The file-handling tests use a counting stand-in for the embedder; the last test
runs the real embedder over the fixture curriculum's entries and checks that,
once prepared, answers embed nothing but what retrieval already embedded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.answer.sentences import answer_sentences
from app.answer.vectors import SentenceVectors


class Counting:
    """A stand-in embedder: a text's vector is its length along one axis; counts what it embeds."""

    def __init__(self, model_name: str = "counting") -> None:
        self.model_name = model_name
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return [[float(len(t)), 1.0] for t in texts]


def test_saved_vectors_are_loaded_and_not_embedded_again(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "sentence-vectors.npz"
    first = Counting()
    assert SentenceVectors(first, path=path).prepare(["a b.", "c d e.", "a b."]) == 2
    assert first.embedded == ["a b.", "c d e."] and path.is_file()

    again = Counting()
    vectors = SentenceVectors(again, path=path)
    assert len(vectors) == 2
    rows = vectors(["c d e.", "a b."])
    assert again.embedded == []
    assert rows.tolist() == [[6.0, 1.0], [4.0, 1.0]]
    assert vectors.prepare(["a b.", "new."]) == 1 and again.embedded == ["new."]
    assert len(SentenceVectors(Counting(), path=path)) == 3


def test_vectors_of_another_embedder_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "sentence-vectors.npz"
    SentenceVectors(Counting("one"), path=path).prepare(["a b."])
    other = Counting("two")
    assert len(SentenceVectors(other, path=path)) == 0
    SentenceVectors(other, path=path)(["a b."])
    assert other.embedded == ["a b."]


@pytest.mark.parametrize("content", [b"", b"not a numpy file", b"PK\x03\x04 broken zip"])
def test_a_damaged_file_only_costs_time(tmp_path: Path, content: bytes, caplog) -> None:
    path = tmp_path / "sentence-vectors.npz"
    path.write_bytes(content)
    vectors = SentenceVectors(Counting(), path=path)
    assert len(vectors) == 0 and "cannot read the saved sentence vectors" in caplog.text
    assert vectors.prepare(["a b."]) == 1
    assert len(SentenceVectors(Counting(), path=path)) == 1  # replaced by a good one


def test_a_vector_from_retrieval_is_reused(tmp_path: Path) -> None:
    embedder = Counting()
    vectors = SentenceVectors(embedder)
    vectors.add("the question", [3.0, 4.0])
    assert vectors(["the question"]).tolist() == [[3.0, 4.0]] and embedder.embedded == []


class Recording:
    """The real embedder, recording what it is asked to embed."""

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self.model_name = embeddings.model_name
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return self.embeddings.embed_documents(texts)


def test_prepared_answers_embed_nothing_retrieval_has_not(
    topics_retriever, script, count_tiktoken, tmp_path
) -> None:
    """Every sentence compose and coverage compare the question with is among those prepared,
    and the question's own vector comes from retrieval."""
    from app.answer.tutor import Tutor

    recording = Recording(topics_retriever.embeddings)
    vectors = SentenceVectors(recording, path=tmp_path / "sentence-vectors.npz")
    texts = answer_sentences(topics_retriever)
    assert vectors.prepare(texts) == len(texts) > 20
    assert np.allclose(np.linalg.norm(vectors(texts), axis=1), 1.0, atol=1e-4)
    recording.embedded.clear()

    tutor = Tutor(topics_retriever, script(), count_tiktoken, model_adds=False, vectors=vectors)
    for question in ["What is rebasing in Git?", "What's the difference between rebasing and merging?"]:
        answer = tutor.ask(question)
        assert answer.coverage == "covered" and answer.citations
    assert recording.embedded == []
