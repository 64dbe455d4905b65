"""The goal resolver's index: every candidate's texts as vectors (cached on disk) and as BM25 documents.

The candidates (tracks, units, sections of several units) are described by
short texts (`described`); this keeps their vectors, a BM25 index with one document
per candidate, which texts describe which topic of a unit (a goal naming a
topic is compared with those), and the vectors of the fields the roadmap does
not teach (the curriculum's `not_covered`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.stemming import english_stemmer

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from app.plan.curriculum import Curriculum, Track
    from ingest.entries import Entry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A possible reading of a goal: a track, a section or a unit, and the units it stands for."""

    id: str
    kind: str  # "track" | "section" | "unit"
    label: str  # what the learner sees when asked
    targets: tuple[str, ...]
    score: float = 0.0
    focus: tuple[str, ...] = ()  # topic ids of the target units the goal names; () means whole units

    @classmethod
    def of_track(cls, track: Track, score: float = 0.0) -> Candidate:
        return cls(track.id, "track", f"Track: {track.title}", track.targets, score, track.focus)


def described(
    curriculum: Curriculum, by_topic: Mapping[tuple[str, ...], Sequence[Entry]]
) -> list[tuple[Candidate, list[tuple[str, str]]]]:
    """Every track, unit and section of several units as a candidate, with its texts, each with
    the topic it describes (or ""): a unit's breadcrumb, its topics' titles and their entries'
    names with their tools (`by_topic`: topic path → its entries)."""
    tree = curriculum.tree
    found: list[tuple[Candidate, list[tuple[str, str]]]] = []
    for track in curriculum.tracks.values():
        texts = [(f"{track.title}: {track.description}", ""), (f"{track.title} job", "")]
        found.append((Candidate.of_track(track), texts))
    for node in tree.nodes.values():
        units = tree.unit_of(node.id) if node.kind != "topic" else []
        if node.unit:
            texts = [(tree.breadcrumb(node.id), "")]
            for topic in (tree[c] for c in node.children if tree[c].kind == "topic"):
                texts.append((f"{node.title}: {topic.title}", topic.id))
                for entry in by_topic.get(topic.path, []):
                    tools = f" ({', '.join(entry.tools)})" if entry.tools else ""
                    texts.append((f"{entry.name}: {entry.roadmap}{tools}", topic.id))
            found.append((Candidate(node.id, "unit", tree.breadcrumb(node.id), (node.id,)), texts))
        elif node.kind in ("section", "subsection") and len(units) > 1:
            titles = ", ".join(tree[u].title for u in units)
            section = Candidate(node.id, "section", tree.breadcrumb(node.id), tuple(units))
            found.append((section, [(f"{tree.breadcrumb(node.id)}: {titles}", "")]))
    return found


@dataclass
class GoalIndex:
    """The candidates' text vectors (several per candidate) and a BM25 index (one document each)."""

    candidates: list[Candidate]  # one per document
    owner: object  # numpy array: the candidate index of each vector
    vectors: object
    embeddings: Embeddings
    bm25: object
    stemmer: object
    is_track: object  # numpy array: 1.0 for tracks
    topic_texts: dict[str, list[tuple[int, str]]]  # unit id → (text row, topic id) of its topics' texts
    outside: tuple[str, ...] = ()  # fields the roadmap does not teach
    outside_vectors: object = None  # numpy array, one row per field

    @classmethod
    def build(
        cls,
        described: list[tuple[Candidate, list[tuple[str, str]]]],
        embeddings_factory: Callable[[], Embeddings],
        cache_dir: Path | None,
        outside: Sequence[str] = (),
    ) -> GoalIndex:
        """From each candidate's texts, each with the topic it describes (or ""), and the fields
        the roadmap does not teach (`outside`)."""
        import bm25s
        import numpy as np

        embeddings = embeddings_factory()
        pairs = [(c, [text for text, _ in texts]) for c, texts in described]
        texts = [t for _, ts in pairs for t in ts]
        topic_texts: dict[str, list[tuple[int, str]]] = {}
        row = 0
        for candidate, described_texts in described:
            for _, topic in described_texts:
                if topic:
                    topic_texts.setdefault(candidate.id, []).append((row, topic))
                row += 1
        owner = np.asarray([n for n, (_, ts) in enumerate(pairs) for _ in ts])
        everything = cached_vectors(embeddings, [*texts, *outside], cache_dir)
        vectors, outside_vectors = everything[: len(texts)], everything[len(texts) :]
        stemmer = english_stemmer()
        bm25 = bm25s.BM25()
        documents = [" ".join(ts) for _, ts in pairs]
        bm25.index(
            bm25s.tokenize(documents, stopwords="en", stemmer=stemmer, show_progress=False),
            show_progress=False,
        )
        is_track = np.asarray([1.0 if c.kind == "track" else 0.0 for c, _ in pairs])
        return cls(
            [c for c, _ in pairs],
            owner,
            vectors,
            embeddings,
            bm25,
            stemmer,
            is_track,
            topic_texts,
            tuple(outside),
            outside_vectors if len(outside) else None,
        )

    def closest_outside(self, vector) -> tuple[str, float]:
        """The field not taught closest to a query's `vector`, and its cosine ("", -1 without any)."""
        if self.outside_vectors is None:
            return "", -1.0
        scores = self.outside_vectors @ vector
        best = int(scores.argmax())
        return self.outside[best], float(scores[best])

    def lexical(self, query: str):
        """The BM25 score of every candidate for `query` (all 0 when no word matches)."""
        import bm25s
        import numpy as np

        words = bm25s.tokenize(
            [query], stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False
        )
        if not words[0]:
            return np.zeros(len(self.candidates))
        return np.asarray(self.bm25.get_scores(words[0]))


def cached_vectors(embeddings: Embeddings, texts: list[str], cache_dir: Path | None):
    """The texts' vectors, from `cache_dir` when the same model embedded the same texts before."""
    import numpy as np

    model = str(getattr(embeddings, "model_name", type(embeddings).__name__))
    key = hashlib.sha1("\n".join([model, *texts]).encode("utf-8")).hexdigest()[:20]
    path = cache_dir / f"goal-vectors-{key}.npy" if cache_dir else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):
            log.warning("ignoring an unreadable cache file %s", path)
    vectors = np.asarray(embeddings.embed_documents(texts))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp.npy")
            np.save(temporary, vectors)
            temporary.replace(path)  # another process reading it sees the whole file or none
        except OSError as exc:
            log.warning("cannot cache goal vectors in %s (%s)", cache_dir, exc.strerror)
    return vectors
