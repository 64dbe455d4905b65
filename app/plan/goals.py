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
to the goal, or it is clearly about a field the roadmap does not teach (the
curriculum's `not_covered`: "learn unity this summer" is game development, not
the software architecture its words share), the roadmap does not cover it.

A goal that names a topic of its unit and not the unit itself ("reinforcement
learning" in Advanced Machine Learning, "Spark" in Distributed Systems) has that
topic as its *focus*: the plan learns the topic, not the whole unit. A goal that
joins titles ("probability and statistics for machine learning", "docker +
kubernetes"), or tools with one reading each ("git and docker"), is all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.abbreviations import IN_GOALS
from app.core.abbreviations import spell_out_goal as expand
from app.plan.curriculum import Curriculum
from app.plan.goal_index import Candidate, GoalIndex, described

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from app.plan.skills import Node
    from ingest.entries import Entry

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
FOCUS_MARGIN = 0.05  # a topic named is the goal's focus only this much closer than the unit's others
OUTSIDE_FROM, OUTSIDE_MARGIN = 0.45, 0.10  # a field not taught this close, and this much closer: not covered
_ROLE = re.compile(
    r"\b(engineers?|developers?|devs?|jobs?|careers?|roles?|become|becoming|interviews?|interviewing|hired"
    r"|transition(ing)?|switch(ing)?|profession)\b"
    r"|\b(get|getting|break|breaking|move|moving) into\b|\bwork(ing)? as\b|\bfor a living\b",
    re.I,
)
_WORD = re.compile(r"[a-z0-9/+#]+")


@dataclass(frozen=True)
class Resolution:
    """What a goal resolved to; `chosen` is None when the learner must pick or nothing matched."""

    goal: str
    status: str  # "named" | "matched" | "ask" | "none"
    chosen: Candidate | None = None
    candidates: tuple[Candidate, ...] = field(default=())  # best first
    confidence: float = 0.0
    outside: str = ""  # for "none": the field the roadmap does not teach that the goal is about, if known

    @property
    def targets(self) -> list[str]:
        return list(self.chosen.targets) if self.chosen else []

    @property
    def focus(self) -> list[str]:
        return list(self.chosen.focus) if self.chosen else []


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
        self._by_topic: dict[tuple[str, ...], list[Entry]] = {}  # topic path → its entries
        for entry in entries:
            self._by_topic.setdefault(entry.topic_path, []).append(entry)
        self._cache_dir = cache_dir
        self._index: GoalIndex | None = None
        self._last_query: tuple[str, object] | None = None  # (text, vector) of the last goal embedded

    def named(self, goal: str) -> Resolution | None:
        """A track or topics named outright, or None when the goal is free text.

        A single title that several parts of the roadmap share ("security":
        code, data and cloud security) is not named outright: the learner picks.
        """
        text = goal.strip()
        for track in self.curriculum.tracks.values():
            if text.casefold() in (track.id.casefold(), track.title.casefold()):
                chosen = Candidate.of_track(track, 1.0)
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
        # A topic named stands for itself ("Python"), unless its whole unit is named too.
        focus = tuple(
            n for n in found if self.tree[n].kind == "topic" and self.tree.unit_of(n)[0] not in found
        )
        chosen = Candidate(",".join(found), "unit", label, targets, 1.0, focus)
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
        return Candidate(node.id, kind, self.tree.breadcrumb(node.id), tuple(self.tree.unit_of(node.id)))

    @property
    def can_match(self) -> bool:
        return self._embeddings_factory is not None

    def resolve(self, goal: str) -> Resolution:
        """Named goals as they are; free text matched, asked about, or found not covered."""
        named = self.named(goal)
        if named is not None:
            return named
        if joined := self.joined(goal):
            return Resolution(goal, "matched", joined, (joined,), joined.score)
        if not self.can_match:
            return Resolution(goal, "none")
        ranked, closest, lexical = self.rank(goal)
        best = ranked[0]
        # Judged on meaning alone, before any role boost: "become a UX designer" speaks of a
        # role, not of the roadmap.
        if closest < NONE_BELOW or (closest < WEAK_BELOW and lexical < WEAK_LEXICAL):
            return Resolution(goal, "none", None, tuple(ranked[:CHOICES]), best.score, self.outside(goal))
        if field := self.outside(goal, closest):
            return Resolution(goal, "none", None, tuple(ranked[:CHOICES]), best.score, field)
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
        offered = [best, *[c for c in rivals if c.score > best.score - 4 * MARGIN]][:CHOICES]
        # One word with several readings is asked about ("security"); one with a single reading is it ("git").
        one_word = len(_WORD.findall(goal.lower())) == 1 and len(offered) > 1
        if best.score < SURE_FROM or close or one_word:
            offered = [self._focused(goal, c, offered=True) for c in offered]
            return Resolution(goal, "ask", None, tuple(offered), best.score)
        best = self._focused(goal, best)
        return Resolution(goal, "matched", best, tuple([best, *rivals][:CHOICES]), best.score)

    def outside(self, goal: str, closest: float = 0.0) -> str:
        """The field the roadmap does not teach that `goal` is about ("blockchain, …"), when it is
        close to the goal and clearly closer than `closest` (the roadmap's best), else ""."""
        field, similarity = self.index().closest_outside(self._embedded(expand(goal)))
        return field if similarity >= max(OUTSIDE_FROM, closest + OUTSIDE_MARGIN) else ""

    def joined(self, goal: str) -> Candidate | None:
        """The reading of a goal that joins parts of the roadmap by their titles ("probability and
        statistics for machine learning": Probability Theory and Statistics), or None. Each part
        must name one unit, section or topic by its title or be a tool with one reading, none
        holding another; a part that only resembles a title leaves the goal to the matcher whole."""
        core = _CONTEXT.sub("", _LEAD.sub("", goal.strip().rstrip("?!.").lower()))
        parts = [p.strip() for p in _JOINS.split(core)]
        if not 2 <= len(parts) <= 4 or not all(1 <= len(_WORD.findall(p)) <= 3 for p in parts):
            return None
        if self.named(core) is not None:  # "data structures and algorithms" is one title
            return None
        readings = [self._titled_reading(IN_GOALS.get(p, p)) for p in parts]
        if not all(readings) or any(
            self._related(a, b) for i, a in enumerate(readings) for b in readings[i + 1 :]
        ):
            return None
        return Candidate(
            ",".join(r.id for r in readings),
            "unit" if all(r.kind == "unit" for r in readings) else "section",
            " + ".join(r.label for r in readings),
            tuple(dict.fromkeys(t for r in readings for t in r.targets)),
            1.0,
            tuple(f for r in readings for f in r.focus),
        )

    def _titled_reading(self, part: str) -> Candidate | None:
        """What one part of a joined goal names: a title outright ("statistics", "Python"), the
        one part of the roadmap whose title holds it ("probability"), or the one reading of a
        tool's name ("git": Software Development Practices)."""
        named = self.named(part)
        if named is not None:
            return named.chosen
        if shared := self._sharing(part):
            return shared[0] if len(shared) == 1 else None
        if self.can_match and len(_WORD.findall(part)) == 1:
            return self.resolve(part).chosen  # None unless matched
        return None

    def _focused(self, goal: str, candidate: Candidate, offered: bool = False) -> Candidate:
        """A unit reading narrowed to the topics the goal names in it. Offered to pick from, it
        goes by the topics' ids, so the goal named by the id picked keeps the focus."""
        if candidate.kind != "unit" or not (focus := self.topics_named(goal, candidate.targets[0])):
            return candidate
        if not offered:
            return replace(candidate, focus=focus)
        label = f"{candidate.label} › {', '.join(self.tree[t].title for t in focus)}"
        return replace(candidate, id=",".join(focus), label=label, focus=focus)

    def topics_named(self, goal: str, unit: str) -> tuple[str, ...]:
        """The topics of `unit` a goal names, by their title (all its words, or a "/" alternative's,
        or the short name in brackets) or one of their entries' names ("ARIMA" of "ARIMA and
        SARIMA", under Traditional Methods) or tools ("git", under Version Control), when it does
        not name the unit itself. A topic named by a tool or by one word only must also be clearly
        closer to the goal in meaning than any topic of the unit it does not name ("batch scoring
        vs a low-latency API" names Batch, but means Real-Time almost as much); "GANs and
        diffusion models" names Diffusion Models outright."""
        words = set(_words(expand(goal)))
        node = self.tree[unit]
        own = set(_words(node.title))
        if own <= words:
            return ()

        def hits(names: Iterable[str]) -> list[list[str]]:
            # A name within the unit's own title ("Transformer" in Transformer Architectures) is the unit's.
            return [w for w in map(_words, names) if w and set(w) <= words and not set(w) <= own]

        named, topics = [], [self.tree[c] for c in node.children if self.tree[c].kind == "topic"]
        sure: set[str] = set()  # named by two words or more
        for topic in topics:
            outside, _, inside = topic.title.partition("(")
            names = [*outside.split("/"), inside.rstrip(")")] if inside else outside.split("/")
            entries = self._by_topic.get(topic.path, ())
            names += [part for entry in entries for part in _PARTS.split(entry.name)]
            if found := hits(names):
                named.append(topic.id)
                if any(len(w) > 1 for w in found):  # "diffusion models": no doubt, unlike "batch"
                    sure.add(topic.id)
            elif hits(tool for entry in entries for tool in entry.tools):  # "git": Version Control
                named.append(topic.id)
        if not named or len(named) == len(topics):
            return ()
        if self.can_match:
            closeness = self._closeness(goal, unit)
            rival = max((closeness.get(t.id, -1.0) for t in topics if t.id not in named), default=-1.0)
            named = [t for t in named if t in sure or closeness.get(t, -1.0) >= rival + FOCUS_MARGIN]
        return tuple(named)

    def _closeness(self, goal: str, unit: str) -> dict[str, float]:
        """Topic id → the goal's best cosine to one of that topic's texts in `unit`'s description."""
        index = self.index()
        vector = self._embedded(expand(goal))
        found: dict[str, float] = {}
        for n, topic in index.topic_texts.get(unit, ()):
            found[topic] = max(found.get(topic, -1.0), float(index.vectors[n] @ vector))
        return found

    def rank(self, goal: str) -> tuple[list[Candidate], float, float]:
        """(every candidate with its score, best first, ties in roadmap order; the best cosine alone;
        the best raw BM25)."""
        import numpy as np

        index = self.index()
        query = expand(goal)
        vector = self._embedded(query)
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

    def _embedded(self, query: str):
        """The query's vector. The last one is kept: ranking a goal and narrowing its readings
        to the topics it names embed the same text."""
        import numpy as np

        last = self._last_query
        if last is None or last[0] != query:
            last = (query, np.asarray(self.index().embeddings.embed_query(query)))
            self._last_query = last
        return last[1]

    def index(self) -> GoalIndex:
        """The candidates' vectors and BM25 index, built on first use."""
        if self._index is None:
            if self._embeddings_factory is None:
                raise RuntimeError("free-text goals need the embedder (see can_match)")
            self._index = GoalIndex.build(
                described(self.curriculum, self._by_topic),
                self._embeddings_factory,
                self._cache_dir,
                self.curriculum.not_covered,
            )
        return self._index

    def _related(self, a: Candidate, b: Candidate) -> bool:
        """Whether picking `a` over `b` is no real choice: one holds the other's units."""
        small, big = sorted((set(a.targets), set(b.targets)), key=len)
        return small <= big

    # --- the candidates and their texts ---------------------------------------------------------

    def candidates(self) -> list[tuple[Candidate, list[str]]]:
        """(candidate, its texts) for every track, unit and section of several units."""
        return [(c, [text for text, _ in texts]) for c, texts in described(self.curriculum, self._by_topic)]


def _scored(candidate: Candidate, score: float) -> Candidate:
    return replace(candidate, score=round(score, 4))


_JOINS = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|plus|&|\+)\s+")  # "probability and statistics"
_LEAD = re.compile(
    r"^(?:(?:i want|i'd like|i need) to |to )?(?:learn|study|master|understand|brush up on)\s+"
)  # "learn X"
_CONTEXT = re.compile(r"\s+(?:for|in|with|to|from|at|using|on)\s.*$")  # "... for machine learning"
_PARTS = re.compile(r",\s*|\s+and\s+|\s+vs\.?\s+|/")  # "ARIMA and SARIMA", "Pods, Nodes"
_STOP = {"a", "an", "and", "the", "of", "for", "in", "to", "with", "on", "apache"}  # "Apache Spark": "Spark"


def _words(text: str) -> list[str]:
    """Content words, singular: "Generative Adversarial Networks" → generative, adversarial, network."""
    found = re.findall(r"[a-z0-9+#]+", text.lower())
    return [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in found
        if w not in _STOP
    ]
