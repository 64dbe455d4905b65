"""The study planner: a deterministic weekly plan that reaches the learner's goal.

Input: targets (unit ids), what the learner knows (unit, topic, section or
area ids), hours per week, number of weeks, start date. When the full path
(every missing prerequisite in full, `app.plan.route`) fits, the plan is the
full path, in goal-first order: each goal topic comes as early as its
prerequisites' essentials allow, and the rest follows. When it does not fit,
the plan takes the fast track: the goal topics in that same order, each after
the essentials it needs, and nothing else; the rest of what they build on is
listed as optional deepening for after the goal, so the plan's hours stay on
it (or, when the learner asks, fills the weeks left after the goal). What does
not fit is listed, never squeezed in. Every plan says up front what the full path takes
(`app.plan.feasibility`), and each week names its sub-topics, a checkpoint and
the goal topic it serves. Same input, same plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.core.errors import TutorError
from app.plan.curriculum import Curriculum
from app.plan.feasibility import Feasibility, Route, assess
from app.plan.route import Router, Step
from app.plan.weeks import Checkpoint, Item, Leftover, Week, area_of

__all__ = ["Checkpoint", "Item", "Leftover", "Plan", "Week", "make_plan"]


@dataclass
class Plan:
    goal: str
    targets: list[str]
    weeks: list[Week]
    unscheduled: list[Leftover]
    hours_per_week: float
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # of unscheduled topics
    mode: str = "full"  # "full" | "fast-track"
    feasibility: Feasibility | None = None
    labels: dict[str, str] = field(default_factory=dict)  # unit id → its unambiguous title
    known_targets: list[str] = field(default_factory=list)  # targets the learner knows already
    focus: dict[str, tuple[str, ...]] = field(default_factory=dict)  # goal unit → the topics meant

    @property
    def total_hours(self) -> float:
        return round(sum(w.hours for w in self.weeks), 1)

    def label(self, unit: str) -> str:
        return self.labels.get(unit, unit)

    @property
    def goals(self) -> list[str]:
        """The goal topics: the targets the learner does not know yet."""
        return [t for t in self.targets if t not in self.known_targets]

    @property
    def goal_labels(self) -> list[str]:
        return [self.label(t) for t in self.goals]

    def to_json(self) -> dict:
        return {
            "goal": self.goal,
            "targets": self.targets,
            "goals": self.goals,
            "focus": [topic for topics in self.focus.values() for topic in topics],
            "mode": self.mode,
            "feasibility": self.feasibility.to_json() if self.feasibility else None,
            "weeks": [
                {
                    "week": w.week,
                    "start": w.start.isoformat(),
                    "hours": w.hours,
                    "serves": w.serves,
                    "checkpoint": None
                    if w.checkpoint is None
                    else {
                        "text": w.checkpoint.text,
                        "answer": w.checkpoint.answer,
                        "about": w.checkpoint.about,
                    },
                    "items": [
                        {
                            "topic_id": i.topic_id,
                            "title": i.title,
                            "path": list(i.path),
                            "hours": i.hours,
                            "kind": i.kind,
                            "topics": list(i.topics),
                            "covers": list(i.covers),
                            "serves": i.serves,
                        }
                        for i in w.items
                    ],
                }
                for w in self.weeks
            ],
            "unscheduled": [
                {"topic_id": t, "title": n, "hours": h, "kind": k} for t, n, h, k in self.unscheduled
            ],
            "total_hours": self.total_hours,
        }


def make_plan(
    curriculum: Curriculum,
    goal: str,
    targets: list[str],
    known: Iterable[str],
    hours_per_week: float,
    weeks: int,
    start: date,
    deepen: bool = False,
    focus: Iterable[str] = (),
) -> Plan:
    """Lay the targets and what they need into weeks: the full path if it fits, else the fast track.

    With `deepen`, a fast track fills the weeks left after the goal with the deepening, in
    order, instead of only listing it. `focus` (topic ids) narrows target units to the
    topics a goal named (`Router.focused` says which it keeps).
    """
    if hours_per_week < 0.1:
        raise TutorError("hours per week must be at least 0.1")
    if weeks <= 0:
        raise TutorError("the plan needs at least one week")
    if not targets:
        raise TutorError("the goal matches no topic of the roadmap")
    tree = curriculum.tree
    known_topics = {t for node in known for t in curriculum.topics_of(node)}
    focus = Router.focused(curriculum, targets, focus)
    router = Router(curriculum, known_topics, focus)
    # Rounded down: 7.75 h a week is a 7.7 h budget, never 7.8.
    budget = math.floor(hours_per_week * 10 + 1e-9)

    full_steps = router.full_path(targets)
    full = Route(full_steps, _closing(tree, full_steps, lambda s: True))
    # The first goal topic within two weeks' work where one can be (the aim: by week 3).
    goal_steps, depth, optional = router.fast_track(targets, soon=2 * budget)
    after = depth + optional if deepen else []
    fast = Route(goal_steps + after, _closing(tree, goal_steps, lambda s: s.unit in targets), len(goal_steps))
    # With time for everything, the goal still comes first: the fast track's order, then the
    # rest of the full path. Only when that order does not fit (its essentials come apart
    # from their courses, so weeks pack differently) is the full path laid out in its own order.
    everything = goal_steps + depth + optional
    laid, left = Route(everything, _closing(tree, everything, lambda s: True)).lay_out(
        tree, weeks, start, budget
    )
    if left:
        laid, left = full.lay_out(tree, weeks, start, budget)
    mode = "full"
    if left:
        mode = "fast-track"
        laid, left = fast.lay_out(tree, weeks, start, budget)
        if not deepen:
            left += [
                Leftover(s.unit, tree.label(s.unit), s.tenths / 10, "deepening") for s in depth + optional
            ]
        left = _deepening_per_unit(tree, left)
    # Reaching the goal topics: their steps alone, without the project that would close them.
    feasibility = assess(tree, full, Route(goal_steps, {}), mode, weeks, start, budget, deepen)
    _checkpoints(curriculum, laid)
    paths = {leftover.topic_id: tree[leftover.topic_id].path for leftover in left}
    labels = {unit: tree.label(unit) for unit in curriculum.hours}
    for unit, topics in focus.items():
        labels[unit] = f"{labels[unit]}: {', '.join(tree[t].title for t in topics)}"
    known_targets = [t for t in targets if t in router.known_units]
    return Plan(
        goal,
        list(targets),
        laid,
        left,
        hours_per_week,
        paths,
        mode,
        feasibility,
        labels,
        known_targets,
        focus,
    )


def _deepening_per_unit(tree, left: list[Leftover]) -> list[Leftover]:
    """Deepening listed once per unit (a deepened unit's essentials and the rest of its course
    together), where the unit first appears; the rest of `left` as it is."""
    tenths: dict[str, int] = {}
    for leftover in left:
        if leftover.kind == "deepening":
            tenths[leftover.topic_id] = tenths.get(leftover.topic_id, 0) + round(leftover.hours * 10)
    merged, listed = [], set()
    for leftover in left:
        if leftover.kind != "deepening":
            merged.append(leftover)
        elif leftover.topic_id not in listed:
            listed.add(leftover.topic_id)
            unit = leftover.topic_id
            merged.append(Leftover(unit, tree.label(unit), tenths[unit] / 10, "deepening"))
    return merged


def _closing(tree, steps: list[Step], counts) -> dict[int, str]:
    """Step index → the area whose project follows it: the last counted learn step of each area."""
    last: dict[str, int] = {}
    for n, step in enumerate(steps):
        if step.kind == "learn" and counts(step):
            last[area_of(tree, step.unit)] = n
    return {n: area for area, n in last.items()}


def _checkpoints(curriculum: Curriculum, weeks: list[Week]) -> None:
    """Give each week a checkpoint: a self-check question from its sub-topics' entries, none repeated.

    Courses are asked about before essentials (a week's course is its main work). A
    week whose sub-topics have no unused question gets a small exercise on its
    first sub-topic instead, and a week of only a project checks the project.
    """
    checks = {(p.unit, p.name): p.checks for u in curriculum.hours for p in curriculum.syllabus.pieces(u)}
    used: set[str] = set()
    for week in weeks:
        work = sorted(
            (i for i in week.items if i.kind in ("learn", "essentials")), key=lambda i: i.kind != "learn"
        )
        found = None
        for item in work:
            for name in item.covers:
                fresh = [(q, a) for q, a in checks.get((item.topic_id, name), ()) if q not in used]
                if fresh:
                    found = Checkpoint(fresh[0][0], fresh[0][1], name)
                    used.add(fresh[0][0])
                    break
            if found:
                break
        if found is None and work and work[0].covers:
            name = work[0].covers[0]
            found = Checkpoint(
                f"Explain {name} in your own words and work through one small example of it.", about=name
            )
        if found is None:
            projects = [i for i in week.items if i.kind == "project"]
            if projects:
                found = Checkpoint(f"Finish and show your {projects[0].title[len('Project: ') :]} project.")
        week.checkpoint = found
