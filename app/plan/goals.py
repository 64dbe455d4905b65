"""From a learner's goal in their own words to targets: named outright, matched with a confidence, or asked.

A goal names a track ("mlops-engineer", "MLOps engineer") or topics (ids or
titles, separated by commas) outright. Anything else is free text, matched
against candidates: the tracks, the roadmap's units and the sections that
group several units. Each candidate is described by several short texts (its
breadcrumb, its topics, its topic entries and their tools), and scores the best
cosine similarity of the goal to one of them (all-MiniLM-L6-v2) plus a share
of its BM25 score over all of them, since a tool's name ("feast", "terraform")
is often the whole goal and an embedder trained on sentences may not know it.

The best candidate is taken when it is clearly best. When it is weak, or a
candidate from another part of the roadmap comes close, the learner is asked
to pick among the top few instead of getting a guess; when nothing comes close
to the goal, the roadmap does not cover it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.plan.curriculum import Curriculum

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from app.plan.skills import Node
    from ingest.entries import Entry

log = logging.getLogger(__name__)
NONE_BELOW = 0.25  # a best score under this: the roadmap does not cover the goal
WEAK_BELOW, WEAK_LEXICAL = 0.40, 2.5  # ... nor does a weak one whose words barely occur in it (raw BM25)
SURE_FROM = 0.52  # a best score under this is asked about
MARGIN = 0.04  # a rival candidate within this of the best is asked about
TRACK_MARGIN = 0.08  # between two tracks, vaguer goals ("a job in tech") need a wider gap
BROADER = 0.03  # a track or section this close to one of its own units is the better reading
ROLE_BOOST = 0.05  # tracks gain this when the goal speaks of a role ("become", "job", "engineer")
ROLE_PENALTY = 0.05  # ... and lose this when it does not
LEXICAL_WEIGHT = 0.12  # BM25, scaled to 0..1 by the best score, weighs this much next to cosine
CHOICES = 4  # candidates offered when asking
_ROLE = re.compile(
    r"\b(engineers?|developers?|devs?|jobs?|careers?|roles?|become|becoming|interviews?|interviewing|hired"
    r"|transition(ing)?|switch(ing)?|profession)\b"
    r"|\b(get|getting|break|breaking|move|moving) into\b|\bwork(ing)? as\b|\bfor a living\b",
    re.I,
)
# How learners shorten roadmap words; expanded before matching ("k8s" → "k8s kubernetes").
ABBREVIATIONS = {
    "k8s": "kubernetes",
    "stats": "statistics",
    "dsa": "data structures and algorithms",
    "mle": "machine learning engineer",
    "genai": "generative ai",
    "gen ai": "generative ai",
    "iac": "infrastructure as code",
    "rl": "reinforcement learning",
}
_WORD = re.compile(r"[a-z0-9/+#]+")


@dataclass(frozen=True)
class Candidate:
    """A possible reading of a goal: a track, a section or a unit, and the units it stands for."""

    id: str
    kind: str  # "track" | "section" | "unit"
    label: str  # what the learner sees when asked
    targets: tuple[str, ...]
    score: float = 0.0


@dataclass(frozen=True)
class Resolution:
    """What a goal resolved to; `chosen` is None when the learner must pick or nothing matched."""

    goal: str
    status: str  # "named" | "matched" | "ask" | "none"
    chosen: Candidate | None = None
    candidates: tuple[Candidate, ...] = field(default=())  # best first
    confidence: float = 0.0

    @property
    def targets(self) -> list[str]:
        return list(self.chosen.targets) if self.chosen else []


def expand(text: str) -> str:
    """The goal with learners' abbreviations spelled out next to them."""
    words = _WORD.findall(text.lower())
    extra = [ABBREVIATIONS[w] for w in words if w in ABBREVIATIONS]
    extra += [full for short, full in ABBREVIATIONS.items() if " " in short and short in text.lower()]
    return " ".join([text, *extra])


class GoalResolver:
    """Resolves goals against one curriculum; the embedder and the candidate texts load on first use."""

    def __init__(
        self,
        curriculum: Curriculum,
        embeddings: Callable[[], Embeddings] | None = None,
        entries: Iterable[Entry] = (),
        cache_dir: Path | None = None,
    ) -> None:
        """`cache_dir` keeps the candidates' vectors between runs (a thousand short texts:
        seconds to embed on a laptop, and the same every time until the data changes)."""
        self.curriculum = curriculum
        self.tree = curriculum.tree
        self._embeddings_factory = embeddings
        self._entries = list(entries)
        self._cache_dir = cache_dir
        self._index: _Index | None = None

    def named(self, goal: str) -> Resolution | None:
        """A track or topics named outright, or None when the goal is free text.

        A single title that several parts of the roadmap share ("security":
        code, data and cloud security) is not named outright: the learner picks.
        """
        text = goal.strip()
        for track in self.curriculum.tracks.values():
            if text.casefold() in (track.id.casefold(), track.title.casefold()):
                chosen = Candidate(track.id, "track", f"Track: {track.title}", track.targets, 1.0)
                return Resolution(goal, "named", chosen, (chosen,), 1.0)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        found = [self.tree.find(p) for p in parts]
        if not parts or not all(found):
            return None
        if len(parts) == 1 and parts[0] not in self.tree:
            if len(shared := self._sharing(parts[0])) > 1:
                return Resolution(goal, "ask", None, tuple(shared[:CHOICES]), 0.0)
            if broader := self._broader_elsewhere(found[0], parts[0]):
                # "deep learning" is a bullet of time series forecasting, and more besides
                own = self._reading(self.tree[found[0]])
                return Resolution(goal, "ask", None, (*broader[: CHOICES - 1], own), 0.0)
        targets = tuple(dict.fromkeys(u for node_id in found for u in self.tree.unit_of(node_id)))
        label = ", ".join(self.tree[n].title for n in found)
        chosen = Candidate(",".join(found), "unit", label, targets, 1.0)
        return Resolution(goal, "named", chosen, (chosen,), 1.0)

    def _broader_elsewhere(self, node_id: str, title: str) -> list[Candidate]:
        """When `node_id` is a bullet inside a unit: the units and sections elsewhere with `title`
        among the words of their own title, most specific first (the learner likely means one)."""
        node = self.tree[node_id]
        if node.kind != "topic":
            return []
        # Not the bullet's own unit or anything above it; a whole area is the vaguest reading.
        found = [n for n in self._titled(title) if node.path[: len(n.path)] != n.path]
        found.sort(key=lambda n: n.kind == "area")
        return [self._reading(n) for n in found]

    def _sharing(self, title: str) -> list[Candidate]:
        """Units and sections in different areas whose titles contain `title` as words, one per area."""
        by_area: dict[str, Candidate] = {}
        for node in self._titled(title):
            area = node.path[0] if len(node.path) > 1 or node.kind == "area" else node.id
            by_area.setdefault(area, self._reading(node))
        return list(by_area.values())

    def _titled(self, title: str) -> list[Node]:
        """Units, sections and areas holding units whose titles contain `title` as words."""
        words = re.compile(rf"\b{re.escape(title.strip())}\b", re.I)
        return [
            node
            for node in self.tree.nodes.values()
            if (node.unit or node.kind in ("section", "subsection", "area"))
            and words.search(node.title)
            and self.tree.unit_of(node.id)
        ]

    def _reading(self, node: Node) -> Candidate:
        """A node as a reading to offer: a unit or a bullet stands for its unit, else a section."""
        kind = "section" if node.kind in ("section", "subsection", "area") and not node.unit else "unit"
        return Candidate(node.id, kind, self.breadcrumb(node.id), tuple(self.tree.unit_of(node.id)))

    @property
    def can_match(self) -> bool:
        return self._embeddings_factory is not None

    def resolve(self, goal: str) -> Resolution:
        """Named goals as they are; free text matched, asked about, or found not covered."""
        named = self.named(goal)
        if named is not None or not self.can_match:
            return named or Resolution(goal, "none")
        ranked, closest, lexical = self.rank(goal)
        best = ranked[0]
        # Judged on meaning alone, before any role boost: "become a UX designer" speaks of a
        # role, not of the roadmap.
        if closest < NONE_BELOW or (closest < WEAK_BELOW and lexical < WEAK_LEXICAL):
            return Resolution(goal, "none", None, tuple(ranked[:CHOICES]), best.score)
        # A broader reading close behind its own unit wins: "get into mlops" is the track.
        broader = [
            c
            for c in ranked[1:]
            if c.kind != "unit" and set(best.targets) < set(c.targets) and c.score >= best.score - BROADER
        ]
        if broader:
            best = broader[0]
        rivals = [c for c in ranked if c is not best and not self._related(best, c)]
        gap = TRACK_MARGIN if best.kind == "track" and rivals and rivals[0].kind == "track" else MARGIN
        close = bool(rivals) and rivals[0].score > best.score - gap
        one_word = len(_WORD.findall(goal.lower())) == 1
        if best.score < SURE_FROM or close or one_word:
            offered = [best, *[c for c in rivals if c.score > best.score - 4 * MARGIN]][:CHOICES]
            return Resolution(goal, "ask", None, tuple(offered), best.score)
        return Resolution(goal, "matched", best, tuple([best, *rivals][:CHOICES]), best.score)

    def rank(self, goal: str) -> tuple[list[Candidate], float, float]:
        """(every candidate with its score, best first, ties in roadmap order; the best cosine alone;
        the best raw BM25)."""
        import numpy as np

        index = self._index = self._index or _Index.build(self)
        query = expand(goal)
        vector = np.asarray(index.embeddings.embed_query(query))
        dense = np.full(len(index.candidates), -1.0)
        np.maximum.at(dense, index.owner, index.vectors @ vector)
        raw = index.lexical(query)
        top = float(raw.max()) if len(raw) else 0.0
        scores = dense + LEXICAL_WEIGHT * (raw / top if top > 0 else raw)
        if _ROLE.search(goal):
            scores = scores + ROLE_BOOST * index.is_track
        else:
            scores = scores - ROLE_PENALTY * index.is_track
        order = sorted(range(len(index.candidates)), key=lambda i: (-scores[i], i))
        return [_scored(index.candidates[i], float(scores[i])) for i in order], float(dense.max()), top

    def _related(self, a: Candidate, b: Candidate) -> bool:
        """Whether picking `a` over `b` is no real choice: one holds the other's units."""
        small, big = sorted((set(a.targets), set(b.targets)), key=len)
        return small <= big

    # --- the candidates and their texts ---------------------------------------------------------

    def candidates(self) -> list[tuple[Candidate, list[str]]]:
        """(candidate, its texts) for every track, unit and section of several units."""
        tree = self.tree
        found: list[tuple[Candidate, list[str]]] = []
        for track in self.curriculum.tracks.values():
            texts = [f"{track.title}: {track.description}", f"{track.title} job"]
            found.append((Candidate(track.id, "track", f"Track: {track.title}", track.targets), texts))
        by_topic: dict[tuple[str, ...], list[Entry]] = {}
        for entry in self._entries:
            by_topic.setdefault(entry.topic_path, []).append(entry)
        for node in tree.nodes.values():
            units = tree.unit_of(node.id) if node.kind != "topic" else []
            if node.unit:
                texts = [self.breadcrumb(node.id)]
                for topic in (tree[c] for c in node.children if tree[c].kind == "topic"):
                    texts.append(f"{node.title}: {topic.title}")
                    for entry in by_topic.get(topic.path, []):
                        tools = f" ({', '.join(entry.tools)})" if entry.tools else ""
                        texts.append(f"{entry.name}: {entry.roadmap}{tools}")
                found.append((Candidate(node.id, "unit", self.breadcrumb(node.id), (node.id,)), texts))
            elif node.kind in ("section", "subsection") and len(units) > 1:
                titles = ", ".join(tree[u].title for u in units)
                texts = [f"{self.breadcrumb(node.id)}: {titles}"]
                found.append((Candidate(node.id, "section", self.breadcrumb(node.id), tuple(units)), texts))
        return found

    def breadcrumb(self, node_id: str) -> str:
        titles, node = [], self.tree[node_id]
        while True:
            titles.append(node.title)
            if node.parent is None:
                break
            node = self.tree[node.parent]
        return " › ".join(reversed(titles))


def _scored(candidate: Candidate, score: float) -> Candidate:
    return Candidate(candidate.id, candidate.kind, candidate.label, candidate.targets, round(score, 4))


@dataclass
class _Index:
    """The candidates' text vectors (several per candidate) and a BM25 index (one document each)."""

    candidates: list[Candidate]
    owner: object  # numpy array: the candidate index of each vector
    vectors: object
    embeddings: Embeddings
    bm25: object
    stemmer: object
    is_track: object  # numpy array: 1.0 for tracks

    @classmethod
    def build(cls, resolver: GoalResolver) -> _Index:
        import bm25s
        import numpy as np
        import Stemmer

        embeddings = resolver._embeddings_factory()  # type: ignore[misc]
        pairs = resolver.candidates()
        texts = [t for _, ts in pairs for t in ts]
        owner = np.asarray([n for n, (_, ts) in enumerate(pairs) for _ in ts])
        vectors = _cached_vectors(embeddings, texts, resolver._cache_dir)
        stemmer = Stemmer.Stemmer("english")
        bm25 = bm25s.BM25()
        documents = [" ".join(ts) for _, ts in pairs]
        bm25.index(
            bm25s.tokenize(documents, stopwords="en", stemmer=stemmer, show_progress=False),
            show_progress=False,
        )
        is_track = np.asarray([1.0 if c.kind == "track" else 0.0 for c, _ in pairs])
        return cls([c for c, _ in pairs], owner, vectors, embeddings, bm25, stemmer, is_track)

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


def _cached_vectors(embeddings: Embeddings, texts: list[str], cache_dir: Path | None):
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
