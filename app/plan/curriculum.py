"""Curriculum data: hours per unit, prerequisite edges and tracks, from seeds/curriculum.yaml.

Validated on load against the skill tree: every id must exist, every unit
needs an hour estimate, and the prerequisite graph (section and area ids
expanded to the units under them) must be acyclic. A broken data file is a
bug in the project, so it fails loudly with what is wrong.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from app.core.resources import seeds_dir
from app.plan.skills import SkillTree, bare


class CurriculumError(ValueError):
    """The curriculum data does not fit the roadmap."""


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    description: str
    targets: tuple[str, ...]  # unit ids


@dataclass
class Curriculum:
    tree: SkillTree
    hours: dict[str, float]  # unit id → hours
    prerequisites: dict[str, set[str]]  # unit id → unit ids needed first
    tracks: dict[str, Track]

    @classmethod
    def load(cls, tree: SkillTree, path: Path | None = None) -> Curriculum:
        """Load and check `path` (default: the shipped seeds/curriculum.yaml)."""
        import yaml

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
            targets = [u for t in spec.get("targets", []) for u in units(str(t), f"track {track_id}")]
            tracks[str(track_id)] = Track(
                str(track_id), spec.get("title", track_id), spec.get("description", ""), tuple(targets)
            )

        if problems:
            raise CurriculumError(f"{path}: " + "; ".join(problems[:10]))
        curriculum = cls(tree, hours, prerequisites, tracks)
        try:
            tuple(TopologicalSorter(prerequisites).static_order())
        except CycleError as exc:
            raise CurriculumError(f"{path}: prerequisite cycle: {' → '.join(exc.args[1])}") from exc
        return curriculum

    def closure(self, targets: set[str]) -> set[str]:
        """The targets and everything they transitively need."""
        seen: set[str] = set()
        stack = list(targets)
        while stack:
            unit = stack.pop()
            if unit not in seen:
                seen.add(unit)
                stack.extend(self.prerequisites.get(unit, ()))
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
        unit above it counts. Titles name their section too ("Linear Algebra › Core
        Concepts"), in roadmap order.
        """
        by_path = {self.tree[u].path: u for u in self.hours}
        unit = next((by_path[path[:n]] for n in range(len(path), 0, -1) if path[:n] in by_path), None)
        if unit is None:
            return [], []
        position = {node_id: i for i, node_id in enumerate(self.tree.nodes)}
        after = [u for u, needs in self.prerequisites.items() if unit in needs]

        def titles(units) -> list[str]:
            return [self.label(u) for u in sorted(units, key=position.__getitem__)[:most]]

        return titles(self.prerequisites.get(unit, ())), titles(after)

    def label(self, unit: str) -> str:
        """A unit's title with the section it sits in, list numbers dropped."""
        path = self.tree[unit].path
        return " › ".join(bare(p) for p in path[1:]) or bare(path[0])
