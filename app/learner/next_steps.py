"""What to learn next: units whose prerequisites are known, ranked toward the learner's goal.

A unit is *known* when its state is done (set by the learner, a quiz or a
confirmed placement) or its mastery reaches `MASTERED`. A unit is *ready*
when it is neither known nor skipped and every unit it needs is known. Ready
units that lead to the goal come first; among equals a unit already being
learned comes before a fresh one, then the roadmap's order (area by area).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.learner.progress import MASTERED, Progress
from app.plan.curriculum import Curriculum

SHOWN = 5


def known_units(progress: Progress) -> set[str]:
    return {u.id for u in progress.units if u.state == "done" or u.mastery >= MASTERED}


def next_units(
    curriculum: Curriculum, progress: Progress, goal_targets: Iterable[str] = (), limit: int = SHOWN
) -> list[str]:
    """Up to `limit` ready unit ids, best first."""
    known = known_units(progress)
    skipped = {u.id for u in progress.units if u.state == "skipped"}
    learning = {u.id for u in progress.units if u.state == "learning"}
    ready = {
        unit
        for unit, needs in curriculum.prerequisites.items()
        if unit not in known and unit not in skipped and needs <= known
    }
    toward = curriculum.closure(set(goal_targets)) if goal_targets else set()
    tree = curriculum.tree
    areas = [n.id for n in tree.nodes.values() if n.kind == "area"]
    position = {node_id: n for n, node_id in enumerate(tree.nodes)}

    def area(unit: str) -> int:
        node = tree[unit]
        while node.parent is not None:
            node = tree[node.parent]
        return areas.index(node.id)

    # Every ready unit's prerequisites are known, so among them the roadmap's own order
    # (area by area, as the overview numbers them) is the natural one.
    ranked = sorted(ready, key=lambda u: (u not in toward, u not in learning, area(u), position[u]))
    return ranked[:limit]
