"""Curriculum data from seeds/curriculum.yaml: hours, prerequisites, essentials, tracks, fields not taught.

Validated on load against the skill tree: every id must exist, every unit
needs an hour estimate, the prerequisite graph (section and area ids expanded
to the units under them) must be acyclic, and every unit that is a
prerequisite names its essentials: the topics a later unit relies on, the
share of the unit's hours they take, and which of its own prerequisites they
need. A broken data file is a bug in the project, so it fails loudly with what
is wrong. The syllabus (`app.plan.syllabus`) splits the hours into the named
pieces weeks list.

A goal can be one topic of a unit ("reinforcement learning", a topic of
Advanced Machine Learning). Learned on its own, a topic may need less than its
unit (reinforcement learning needs no model evaluation, which ensembles do):
`topic_prerequisites` says so, for the topics where it matters, and never names
more than the unit itself builds on.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.resources import seeds_dir
from app.plan.skills import SkillTree
from app.plan.syllabus import Syllabus

if TYPE_CHECKING:
    from ingest.entries import Entry


class CurriculumError(ValueError):
    """The curriculum data does not fit the roadmap."""


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    description: str
    targets: tuple[str, ...]  # unit ids
    focus: tuple[str, ...] = ()  # topic ids the track names instead of their whole unit


@dataclass(frozen=True)
class Essentials:
    """What a later unit takes from a prerequisite when its full course must wait."""

    topics: tuple[str, ...]  # topic node ids of the prerequisite
    share: float  # of the prerequisite's hours
    needs: tuple[str, ...]  # the prerequisite's own prerequisites these essentials rely on


@dataclass
class Curriculum:
    tree: SkillTree
    hours: dict[str, float]  # unit id → hours
    prerequisites: dict[str, set[str]]  # unit id → unit ids needed first
    tracks: dict[str, Track]
    essentials: dict[str, Essentials] = field(default_factory=dict)  # prerequisite unit id → essentials
    syllabus: Syllabus = field(default=None)  # type: ignore[assignment]  # set by load()
    topic_prerequisites: dict[str, set[str]] = field(default_factory=dict)  # topic id → unit ids
    not_covered: tuple[str, ...] = ()  # fields learners ask for that the roadmap does not teach
    adjacent: tuple[str, ...] = ()  # subjects next to the roadmap that it does not teach

    @classmethod
    def load(
        cls, tree: SkillTree, path: Path | None = None, entries: Iterable[Entry] | None = None
    ) -> Curriculum:
        """Load and check `path` (default: the shipped seeds/curriculum.yaml).

        `entries` name the pieces of each topic (default: the shipped seeds/topics).
        """
        import yaml

        if entries is None:
            from ingest.entries import load_entries

            entries = load_entries(seeds_dir() / "topics")
        path = path or seeds_dir() / "curriculum.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        problems: list[str] = []

        def units(node_id: str, where: str) -> list[str]:
            if node_id not in tree:
                problems.append(f"{where}: unknown id {node_id!r}")
                return []
            return tree.unit_of(node_id)

        hours = {str(k): float(v) for k, v in (data.get("hours") or {}).items()}
        unit_ids = {u.id for u in tree.units}
        problems += [f"hours: {u!r} is not a unit" for u in hours.keys() - unit_ids]
        problems += [f"hours: no estimate for {u!r}" for u in sorted(unit_ids - hours.keys())]
        problems += [f"hours: {u!r} must be positive" for u, h in hours.items() if h <= 0]

        prerequisites: dict[str, set[str]] = {u: set() for u in unit_ids}
        for node_id, needs in (data.get("prerequisites") or {}).items():
            for unit in units(str(node_id), "prerequisites"):
                for need in needs or []:
                    prerequisites[unit].update(units(str(need), f"prerequisites of {node_id}"))
        for unit, needs in prerequisites.items():
            if unit in needs:
                problems.append(f"prerequisites: {unit!r} depends on itself")
                needs.discard(unit)

        tracks: dict[str, Track] = {}
        for track_id, spec in (data.get("tracks") or {}).items():
            named = [str(t) for t in spec.get("targets", [])]
            targets = [u for t in named for u in units(t, f"track {track_id}")]
            focus = tuple(t for t in named if t in tree and tree[t].kind == "topic")
            tracks[str(track_id)] = Track(
                str(track_id),
                spec.get("title", track_id),
                spec.get("description", ""),
                tuple(dict.fromkeys(targets)),
                focus,
            )

        if problems:
            raise CurriculumError(f"{path}: " + "; ".join(problems[:10]))
        try:
            tuple(TopologicalSorter(prerequisites).static_order())
        except CycleError as exc:
            raise CurriculumError(f"{path}: prerequisite cycle: {' → '.join(exc.args[1])}") from exc
        syllabus = Syllabus.build(tree, hours, entries)
        essentials = _essentials(tree, data.get("essentials") or {}, prerequisites, syllabus, problems)
        curriculum = cls(tree, hours, prerequisites, tracks, essentials, syllabus)
        curriculum.not_covered = _texts(data, "not_covered", problems)
        curriculum.adjacent = _texts(data, "adjacent", problems)
        curriculum.topic_prerequisites = _topic_prerequisites(
            curriculum, data.get("topic_prerequisites") or {}, problems
        )
        if problems:
            raise CurriculumError(f"{path}: " + "; ".join(problems[:10]))
        return curriculum

    def prerequisites_of(self, unit: str, focus: Collection[str] = ()) -> set[str]:
        """What `unit` needs first; learned only as the topics `focus` (a goal naming them),
        what those topics need (`topic_prerequisites`, else the unit's own prerequisites)."""
        if not focus:
            return self.prerequisites.get(unit, set())
        return {p for topic in focus for p in self.topic_prerequisites.get(topic, self.prerequisites[unit])}

    def topics_of(self, node_id: str) -> list[str]:
        """The topic ids a node stands for: a topic itself, else every topic of its units."""
        if self.tree[node_id].kind == "topic":
            return [node_id]
        return [t for unit in self.tree.unit_of(node_id) for t in self.syllabus.topics(unit)]

    def fully_known(self, known_topics: set[str]) -> set[str]:
        """Units all of whose topics are known."""
        return {u for u in self.hours if known_topics.issuperset(self.syllabus.topics(u))}

    def closure(
        self,
        targets: set[str],
        known: Collection[str] = (),
        needs: Callable[[str], Iterable[str]] | None = None,
    ) -> set[str]:
        """The targets and everything they transitively need, not counting `known` units or what
        lies behind them: a learner who knows a unit needs nothing it builds on for its sake.
        `needs` gives a unit's prerequisites (default: `prerequisites`; a plan's focus narrows them)."""
        needs = needs or (lambda unit: self.prerequisites.get(unit, ()))
        seen: set[str] = set()
        stack = [u for u in targets if u not in known]
        while stack:
            unit = stack.pop()
            if unit not in seen:
                seen.add(unit)
                stack.extend(p for p in needs(unit) if p not in known)
        return seen

    def in_order(self, units: set[str]) -> list[str]:
        """Units in prerequisite order; ties go to roadmap order, so the result is deterministic."""
        position = {node_id: i for i, node_id in enumerate(self.tree.nodes)}
        sorter = TopologicalSorter(
            {u: {p for p in self.prerequisites.get(u, ()) if p in units} for u in units}
        )
        sorter.prepare()
        # Of all units whose prerequisites are done, always take the earliest in the roadmap.
        ready = [(position[u], u) for u in sorter.get_ready()]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            _, unit = heapq.heappop(ready)
            ordered.append(unit)
            sorter.done(unit)
            for other in sorter.get_ready():
                heapq.heappush(ready, (position[other], other))
        return ordered

    def neighbours(self, path: tuple[str, ...], most: int = 3) -> tuple[list[str], list[str]]:
        """Titles of the units the unit at (or above) `path` builds on, and of those that build on it.

        `path` may go deeper than a unit (a topic or an entry under it): the nearest
        unit above it counts. Titles name their section where other units share them
        ("Probability Theory › Core Concepts"), in roadmap order.
        """
        unit = self.unit_at(path)
        if unit is None:
            return [], []
        position = {node_id: i for i, node_id in enumerate(self.tree.nodes)}
        after = [u for u, needs in self.prerequisites.items() if unit in needs]

        def titles(units) -> list[str]:
            return [self.tree.label(u) for u in sorted(units, key=position.__getitem__)[:most]]

        return titles(self.prerequisites.get(unit, ())), titles(after)

    def unit_at(self, path: tuple[str, ...]) -> str | None:
        """The unit at `path` or the nearest above it (a topic or an entry under a unit)."""
        by_path = self._units_by_path
        return next((by_path[path[:n]] for n in range(len(path), 0, -1) if path[:n] in by_path), None)

    @cached_property
    def _units_by_path(self) -> dict[tuple[str, ...], str]:  # asked on every answer: built once
        return {self.tree[u].path: u for u in self.hours}

    def learning_order(self, first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, str, int] | None:
        """The titles of the units at two paths, and 1 when the second builds on the first (directly
        or through others), -1 when the first builds on the second, 0 when neither does (or they are
        one unit); None when a path is in no unit."""
        units = self.unit_at(first), self.unit_at(second)
        if None in units:
            return None
        a, b = units
        order = 0 if a == b else 1 if a in self.closure({b}) else -1 if b in self.closure({a}) else 0
        return self.tree.label(a), self.tree.label(b), order


def _topic_prerequisites(curriculum: Curriculum, data: dict, problems: list[str]) -> dict[str, set[str]]:
    """The topic_prerequisites block, checked: topics of units, needing only what their unit
    builds on (its prerequisites or what lies behind them)."""
    tree = curriculum.tree
    found: dict[str, set[str]] = {}
    for topic, needs in data.items():
        topic = str(topic)
        where = f"topic_prerequisites of {topic}"
        if topic not in tree or tree[topic].kind != "topic":
            problems.append(f"{where}: {topic!r} is not a topic")
            continue
        unit = tree.unit_of(topic)[0]
        behind = curriculum.closure(curriculum.prerequisites[unit]) - {unit}
        units: set[str] = set()
        for need in needs or []:
            named = tree.unit_of(str(need)) if str(need) in tree else []
            if not named or not set(named) <= behind:
                problems.append(f"{where}: {need!r} is not something {unit!r} builds on")
            units.update(named)
        found[topic] = units
    return found


def _essentials(
    tree: SkillTree,
    data: dict,
    prerequisites: dict[str, set[str]],
    syllabus: Syllabus,
    problems: list[str],
) -> dict[str, Essentials]:
    """The essentials block, checked: one entry per prerequisite unit, naming its own topics."""
    found: dict[str, Essentials] = {}
    for unit, spec in data.items():
        where = f"essentials of {unit}"
        if unit not in tree or not tree[unit].unit:
            problems.append(f"{where}: {unit!r} is not a unit")
            continue
        spec = spec or {}
        topics = syllabus.topics(unit)
        by_slug = {t.rsplit("/", 1)[-1]: t for t in topics}
        named = [by_slug.get(str(t)) for t in spec.get("topics") or []]
        problems += [
            f"{where}: {t!r} is not one of its topics ({', '.join(by_slug)})"
            for t, n in zip(spec.get("topics") or [], named, strict=True)
            if n is None
        ]
        if not named:
            problems.append(f"{where}: name at least one topic")
        share = float(spec.get("share", 0))
        covered = syllabus.tenths(unit, [n for n in named if n]) / max(1, syllabus.tenths(unit))
        if not 0 < share < 1:
            problems.append(f"{where}: share must be between 0 and 1 (got {share:g})")
        elif share > covered + 1e-9:
            problems.append(f"{where}: share {share:g} is more than its topics' own share {covered:.2f}")
        needs: list[str] = []
        for need in spec.get("needs") or []:
            units = tree.unit_of(str(need)) if str(need) in tree else []
            if not units or not set(units) <= prerequisites[unit]:
                problems.append(f"{where}: needs {need!r}, which is not one of its prerequisites")
            needs += units
        found[unit] = Essentials(tuple(n for n in named if n), share, tuple(dict.fromkeys(needs)))
    required = {p for needs in prerequisites.values() for p in needs}
    problems += [
        f"essentials: none for {u!r}, a prerequisite of other units" for u in sorted(required - set(found))
    ]
    return found


def _texts(data: dict, key: str, problems: list[str]) -> tuple[str, ...]:
    """The list of texts under `key` (empty when absent); anything else is a problem."""
    found = data.get(key) or []
    if not isinstance(found, list):
        problems.append(f"{key}: not a list")
        return ()
    problems += [f"{key}: {f!r} is not a text" for f in found if not isinstance(f, str)]
    return tuple(f for f in found if isinstance(f, str))
