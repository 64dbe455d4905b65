"""The order of work toward a goal: the full path, or a fast track with just-in-time essentials.

Both routes are lists of steps (a unit, learned in full or as its essentials,
as named pieces) in an order where nothing comes before what it needs.

- The **full path** learns every missing unit the goal needs, in full. Goal
  topics are taken one at a time, the one that needs the fewest hours of
  preparation per hour of its own first, and each comes right after the
  prerequisites it still lacks (ties in roadmap order).
- The **fast track** reaches each goal topic with only the *essentials* of the
  prerequisites it lacks (seeds/curriculum.yaml: named topics, a share of the
  hours, and the essentials they rely on in turn), and learns the goal topic in
  full, each time the one needing the least preparation per hour of its own
  (the first within two weeks' work when any is, see `fast_track`). The rest
  of the courses the goal topics rely on directly, the *deepening*, comes after
  every goal topic, in prerequisite order, and then what lies further back. A
  plan lays all of it into its weeks only when everything fits; otherwise the
  deepening is listed for after the goal.

A topic the learner knows is left out of every step; a prerequisite whose
essential topics are all known needs no essentials. A goal that names topics of
a unit (its *focus*: "reinforcement learning" in Advanced Machine Learning) is
that unit's focus topics alone, after what those topics need
(`Curriculum.prerequisites_of`); the rest of the unit is not part of the goal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from app.plan.curriculum import Curriculum
from app.plan.syllabus import Piece, split


@dataclass(frozen=True)
class Step:
    """One unit's work in the route: "learn" (its course, or what is left of it) or "essentials"."""

    unit: str
    kind: str
    pieces: tuple[Piece, ...]
    serves: str | None  # the goal topic this step leads to; None for deepening after the goals

    @property
    def tenths(self) -> int:
        return sum(p.tenths for p in self.pieces)


class Router:
    """Routes for one learner: what they know decides what each unit still holds."""

    def __init__(
        self,
        curriculum: Curriculum,
        known_topics: set[str],
        focus: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        """`focus`: goal units learned only as some of their topics (see `focused`)."""
        self.curriculum = curriculum
        self.known = known_topics
        self.focus = {unit: frozenset(topics) for unit, topics in (focus or {}).items() if topics}
        self.known_units = curriculum.fully_known(known_topics)
        self.known_units |= {unit for unit, topics in self.focus.items() if topics <= known_topics}
        self._position = {node_id: i for i, node_id in enumerate(curriculum.tree.nodes)}

    # --- what a unit holds for this learner ------------------------------------------------

    def course(self, unit: str) -> tuple[Piece, ...]:
        """The unit's pieces the learner does not know (of a focused unit, its focus topics')."""
        focus = self.focus.get(unit)
        return tuple(
            p
            for p in self.curriculum.syllabus.pieces(unit)
            if p.topic not in self.known and (focus is None or p.topic in focus)
        )

    def prerequisites(self, unit: str) -> set[str]:
        """What the unit needs first; of a focused unit, what its focus topics need."""
        return self.curriculum.prerequisites_of(unit, self.focus.get(unit, ()))

    def essentials(self, unit: str) -> tuple[Piece, ...]:
        """The essentials' pieces: the unknown essential topics, at the essentials' share of the hours.

        Known essential topics shrink the essentials in proportion; all known, none are needed.
        """
        spec = self.curriculum.essentials.get(unit)
        if spec is None:
            return ()
        syllabus = self.curriculum.syllabus
        wanted = [p for p in syllabus.pieces(unit) if p.topic in spec.topics]
        missing = [p for p in wanted if p.topic not in self.known]
        if not missing:
            return ()
        total = round(spec.share * syllabus.tenths(unit) * sum(p.tenths for p in missing))
        total //= max(1, sum(p.tenths for p in wanted))
        sizes = split(total, [p.tenths for p in missing])
        return tuple(p.sized(s) for p, s in zip(missing, sizes, strict=True) if s > 0)

    def deepening(self, unit: str) -> tuple[Piece, ...]:
        """What is left of the unit's course after its essentials."""
        done = {p.name: p.tenths for p in self.essentials(unit)}
        rest = [p.sized(p.tenths - done.get(p.name, 0)) for p in self.course(unit)]
        return tuple(p for p in rest if p.tenths > 0)

    def needed(self, targets: list[str]) -> set[str]:
        """The targets the learner does not know and what they build on, up to the units known
        outright (a known unit needs nothing, nor does what lies behind it)."""
        return self.curriculum.closure(set(targets), self.known_units, self.prerequisites)

    # --- the routes -------------------------------------------------------------------------

    def full_path(self, targets: list[str]) -> list[Step]:
        """Every needed unit in full, goal topics first-reachable first."""
        needed = self.needed(targets)
        steps: list[Step] = []
        done: set[str] = set()

        def visit(unit: str, emit: list[str]) -> None:
            for need in self._sorted(self.prerequisites(unit)):
                if need in needed and need not in done:
                    visit(need, emit)
            if unit not in done:
                done.add(unit)
                emit.append(unit)

        def cost(target: str) -> int:
            trial: list[str] = []
            saved = set(done)
            visit(target, trial)
            done.clear()
            done.update(saved)
            return sum(self.curriculum.syllabus.tenths(u) for u in trial if u != target)

        left = [t for t in dict.fromkeys(targets) if t in needed]
        while left:
            target = self._cheapest(left, cost)
            order: list[str] = []
            visit(target, order)
            steps += [Step(u, "learn", self.course(u), self._serves(u, target, targets)) for u in order]
        return [s for s in steps if s.pieces]

    def fast_track(
        self, targets: list[str], soon: int | None = None
    ) -> tuple[list[Step], list[Step], list[Step]]:
        """(the steps that reach every goal topic, the deepening that follows them, the rest).

        `soon` (tenths of an hour: what two weeks hold) bounds the preparation before the first
        goal topic: the goal topic cheapest per hour comes first when it is reached within it,
        else the one reached soonest.

        The deepening is the rest of the courses the goal topics rely on
        directly; the rest is what lies further back. When the plan does not
        hold everything, both are listed for the learner to take up after the
        goal, not scheduled, so the plan's hours stay on the goal.
        """
        needed = self.needed(targets)
        goals = [t for t in targets if t in needed]
        prepared: set[str] = set()  # units whose essentials are done
        learned: set[str] = set()

        def ready(unit: str) -> bool:
            return (
                unit in self.known_units or unit in prepared or unit in learned or not self.essentials(unit)
            )

        def prepare(unit: str, emit: list[str]) -> None:
            """The essentials of `unit`, after those of what they rely on."""
            for need in self._sorted(self.curriculum.essentials[unit].needs):
                if not ready(need) and need not in emit:
                    prepare(need, emit)
            if unit not in emit:
                emit.append(unit)

        def preparation(goal: str) -> list[str]:
            emit: list[str] = []
            for need in self._sorted(self.prerequisites(goal)):
                if not ready(need):
                    prepare(need, emit)
            return emit

        def cost(goal: str) -> int:
            return sum(sum(p.tenths for p in self.essentials(u)) for u in preparation(goal))

        steps: list[Step] = []
        left = list(dict.fromkeys(goals))
        while left:
            goal = self._cheapest(left, cost, soon=soon if not steps else None)
            for unit in preparation(goal):
                steps.append(Step(unit, "essentials", self.essentials(unit), goal))
                prepared.add(unit)
            steps.append(
                Step(goal, "learn", self.deepening(goal) if goal in prepared else self.course(goal), goal)
            )
            learned.add(goal)
        direct = {p for g in goals for p in self.prerequisites(g)} & needed
        depth: list[Step] = []
        for unit in self.curriculum.in_order(direct - learned):
            for need in preparation(unit):  # a deepened unit needs all of its prerequisites ready
                depth.append(Step(need, "essentials", self.essentials(need), None))
                prepared.add(need)
            depth.append(
                Step(unit, "learn", self.deepening(unit) if unit in prepared else self.course(unit), None)
            )
            learned.add(unit)
        optional = [
            Step(u, "learn", self.deepening(u) if u in prepared else self.course(u), None)
            for u in self.curriculum.in_order(needed - learned)
        ]
        return (
            [s for s in steps if s.pieces],
            [s for s in depth if s.pieces],
            [s for s in optional if s.pieces],
        )

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def focused(
        curriculum: Curriculum, targets: list[str], topics: Iterable[str]
    ) -> dict[str, tuple[str, ...]]:
        """The focus a plan keeps, per unit: topics of target units only, and none of a unit that
        another target builds on (that one is needed whole)."""
        kept: dict[str, tuple[str, ...]] = {}
        for topic in dict.fromkeys(topics):
            node = curriculum.tree.nodes.get(topic)
            unit = curriculum.tree.unit_of(topic)[0] if node is not None and node.kind == "topic" else None
            if unit in targets:
                kept[unit] = (*kept.get(unit, ()), topic)
        for unit in list(kept):
            others = {p for t in targets if t != unit for p in curriculum.prerequisites.get(t, ())}
            if unit in curriculum.closure(others):
                del kept[unit]
        return kept

    def _cheapest(self, left: list[str], cost, soon: int | None = None) -> str:
        """Take the next goal topic out of `left`: the least preparation per hour of goal topic;
        but when that one's preparation is more than `soon`, the least preparation outright, so a
        plan reaches a goal topic early (then ties by the hour).

        A goal topic that builds on another goal topic still to come needs only
        that topic's essentials, as any prerequisite does (serving models after
        the essentials of MLOps fundamentals, whose rest follows as a goal of its
        own), so a cheap goal is not held back behind an expensive one. Ties in
        roadmap order. Asked again after each goal is laid out, since a goal's
        preparation shrinks as earlier goals bring in what it shares with them.
        """

        costs = {goal: cost(goal) for goal in left}

        def key(goal: str) -> tuple[float, int]:
            own = sum(p.tenths for p in self.course(goal)) or 1
            return costs[goal] / own, self._position[goal]

        best = min(left, key=key)
        if soon is not None and costs[best] > soon:
            best = min(left, key=lambda goal: (costs[goal], *key(goal)))
        left.remove(best)
        return best

    def _sorted(self, units) -> list[str]:
        return sorted(units, key=self._position.__getitem__)

    @staticmethod
    def _serves(unit: str, target: str, targets: list[str]) -> str:
        return unit if unit in targets else target
