"""Placement: a short adaptive quiz that finds which units a new learner already knows.

It asks at most `MAX_ITEMS` questions, one per unit, and reads the answers
through the curriculum's prerequisites: a right answer means the unit and
everything it needs are known; a miss means the unit and everything that
needs it are not, so those are never asked. Each question goes to the
undecided unit whose answer decides the most either way (the larger of the
two sides is what a binary search over the prerequisite graph would halve).
Units no answer reached are proposed as not known. The result is only a
proposal: the learner confirms it before anything is marked done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from app.plan.curriculum import Curriculum

MAX_ITEMS = 15
DIRECT = 2  # votes an answer gives its own unit (see `Placement.evidence`)


@dataclass(frozen=True)
class Placed:
    """One answered placement question."""

    unit_id: str
    correct: bool


class Placement:
    """The adaptive quiz over `scope` (unit ids; default all units), given the answers so far."""

    def __init__(
        self, curriculum: Curriculum, scope: Iterable[str] | None = None, max_items: int = MAX_ITEMS
    ):
        self.curriculum = curriculum
        self.scope = set(scope) if scope is not None else {u.id for u in curriculum.tree.units}
        self.max_items = max_items
        position = {node_id: n for n, node_id in enumerate(curriculum.tree.nodes)}
        self.order = sorted(self.scope, key=position.__getitem__)

    @cached_property
    def needs(self) -> dict[str, set[str]]:
        """Unit → every unit in scope it needs, directly or not."""
        return {u: (self.curriculum.closure({u}) - {u}) & self.scope for u in self.scope}

    @cached_property
    def needed_by(self) -> dict[str, set[str]]:
        """Unit → every unit in scope that needs it."""
        found: dict[str, set[str]] = {u: set() for u in self.scope}
        for unit, needs in self.needs.items():
            for need in needs:
                found[need].add(unit)
        return found

    def evidence(self, answers: Sequence[Placed]) -> dict[str, int]:
        """Unit → votes for known (positive) or not (negative) that the answers so far give it.

        An answer about the unit itself counts `DIRECT` votes; one implied through
        the prerequisites counts one. So a single slip or lucky guess elsewhere
        does not outvote what the learner said about the unit itself.
        """
        votes: dict[str, int] = {}
        for answer in answers:
            if answer.unit_id not in self.scope:
                continue
            reached = self.needs[answer.unit_id] if answer.correct else self.needed_by[answer.unit_id]
            sign = 1 if answer.correct else -1
            votes[answer.unit_id] = votes.get(answer.unit_id, 0) + sign * DIRECT
            for unit in reached:
                votes[unit] = votes.get(unit, 0) + sign
        return votes

    def decided(self, answers: Sequence[Placed]) -> dict[str, bool]:
        """Unit → known or not, by the sign of its votes; units without a majority are undecided."""
        return {unit: vote > 0 for unit, vote in self.evidence(answers).items() if vote}

    def next_unit(self, answers: Sequence[Placed]) -> str | None:
        """The unit to ask about next, or None when the quiz is over."""
        if len(answers) >= self.max_items:
            return None
        asked = {a.unit_id for a in answers}
        votes = self.evidence(answers)
        open_units = [u for u in self.order if u not in asked and not votes.get(u)]
        if not open_units:
            return None
        undecided = set(open_units)

        def reach(unit: str) -> tuple[int, int]:
            up = len(self.needs[unit] & undecided) + 1  # decided known by a right answer
            down = len(self.needed_by[unit] & undecided) + 1  # decided not known by a miss
            return min(up, down), up + down

        return max(open_units, key=reach)  # ties: the earliest in roadmap order (max keeps the first)

    def known(self, answers: Sequence[Placed]) -> list[str]:
        """The units proposed as known, in roadmap order."""
        status = self.decided(answers)
        return [u for u in self.order if status.get(u)]
