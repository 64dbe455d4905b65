"""The study planner: a deterministic weekly schedule in prerequisite order.

Input: targets (unit ids), known units, hours per week, number of weeks, start
date. Every prerequisite not already known is pulled in; units are taken in
prerequisite order (ties in roadmap order) and laid into weeks without ever
exceeding the weekly hours. A unit longer than the time left in a week
continues the next week. From week two on, part of each week is reserved for
reviewing the previous week; when the last required unit of an area is done, a
small hands-on project closes that phase. What does not fit is listed, not
squeezed in. Hours are counted in tenths internally, so sums never drift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.core.errors import TutorError
from app.plan.curriculum import Curriculum

REVIEW_SHARE = 0.10  # of each week's hours, from week 2 on
MIN_REVIEW_TENTHS = 5  # at least half an hour
PROJECT_SHARE = 0.15  # of the phase's learning hours
MIN_PROJECT_TENTHS, MAX_PROJECT_TENTHS = 20, 100  # 2 to 10 hours, and never more than a week holds


@dataclass(frozen=True)
class Item:
    topic_id: str
    title: str
    path: tuple[str, ...]
    hours: float
    kind: str  # "learn" | "review" | "project"


@dataclass
class Week:
    week: int
    start: date
    items: list[Item] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(sum(i.hours for i in self.items), 1)


@dataclass
class Plan:
    goal: str
    targets: list[str]
    weeks: list[Week]
    unscheduled: list[tuple[str, str, float]]  # (topic id, title, hours)
    hours_per_week: float
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # of unscheduled topics

    @property
    def total_hours(self) -> float:
        return round(sum(w.hours for w in self.weeks), 1)

    def to_json(self) -> dict:
        return {
            "goal": self.goal,
            "targets": self.targets,
            "weeks": [
                {
                    "week": w.week,
                    "start": w.start.isoformat(),
                    "hours": w.hours,
                    "items": [
                        {
                            "topic_id": i.topic_id,
                            "title": i.title,
                            "path": list(i.path),
                            "hours": i.hours,
                            "kind": i.kind,
                        }
                        for i in w.items
                    ],
                }
                for w in self.weeks
            ],
            "unscheduled": [{"topic_id": t, "title": n, "hours": h} for t, n, h in self.unscheduled],
            "total_hours": self.total_hours,
        }


def make_plan(
    curriculum: Curriculum,
    goal: str,
    targets: list[str],
    known: set[str],
    hours_per_week: float,
    weeks: int,
    start: date,
) -> Plan:
    """Lay the targets and their missing prerequisites into weeks."""
    if hours_per_week < 0.1:
        raise TutorError("hours per week must be at least 0.1")
    if weeks <= 0:
        raise TutorError("the plan needs at least one week")
    if not targets:
        raise TutorError("the goal matches no topic of the roadmap")
    tree = curriculum.tree
    order = curriculum.in_order(curriculum.closure(set(targets)) - known)
    last_of_area = {_area(tree, u): u for u in order}
    # Rounded down: 7.75 h a week is a 7.7 h budget, never 7.8.
    calendar = _Calendar(weeks, start, math.floor(hours_per_week * 10 + 1e-9))
    phase: dict[str, int] = {}
    unscheduled: list[tuple[str, str, float]] = []

    for unit in order:
        node = tree[unit]
        total = int(round(curriculum.hours[unit] * 10))
        left = calendar.fill(total, lambda tenths, n=node: Item(n.id, n.title, n.path, tenths / 10, "learn"))
        area = _area(tree, unit)
        phase[area] = phase.get(area, 0) + total - left
        if left:
            unscheduled.append((unit, node.title, left / 10))
        elif last_of_area[area] == unit:
            size = min(MAX_PROJECT_TENTHS, max(MIN_PROJECT_TENTHS, int(phase[area] * PROJECT_SHARE)))
            size = min(size, calendar.week_room())  # a project is done within one week
            a = tree[area]
            if not calendar.place(Item(a.id, f"Project: {a.title}", a.path, size / 10, "project")):
                unscheduled.append((a.id, f"Project: {a.title}", size / 10))
    paths = {topic_id: tree[topic_id].path for topic_id, _, _ in unscheduled}
    return Plan(goal, list(targets), calendar.used_weeks(), unscheduled, hours_per_week, paths)


class _Calendar:
    """Weeks with a fixed budget in tenths of an hour, filled front to back."""

    def __init__(self, weeks: int, start: date, budget: int) -> None:
        self.weeks = [Week(n + 1, start + timedelta(weeks=n)) for n in range(weeks)]
        self.budget = budget
        self.review = max(MIN_REVIEW_TENTHS, int(budget * REVIEW_SHARE))
        self.index = 0
        self.used = 0

    def week_room(self) -> int:
        """The most a week from week two on can hold besides its review."""
        return self.budget - self.review if self.review < self.budget else self.budget

    def _room(self) -> int:
        return self.budget - self.used

    def _next_week(self) -> bool:
        """Move to the next week, opening it with a review of the last one's topics."""
        previous = self.weeks[self.index]
        self.index += 1
        self.used = 0
        if self.index >= len(self.weeks):
            return False
        learned = [i for i in previous.items if i.kind == "learn"]
        if learned and self.review < self.budget:
            last = learned[-1]
            item = Item(last.topic_id, f"Review: {last.title}", last.path, self.review / 10, "review")
            self.weeks[self.index].items.append(item)
            self.used = self.review
        return True

    def fill(self, tenths: int, make) -> int:
        """Schedule up to `tenths`, across weeks if needed; return what did not fit."""
        while tenths > 0 and self.index < len(self.weeks):
            take = min(self._room(), tenths)
            if take <= 0:
                self._next_week()
                continue
            self.weeks[self.index].items.append(make(take))
            self.used += take
            tenths -= take
        return tenths

    def place(self, item: Item) -> bool:
        """Put an unsplittable item in the first week with room for it."""
        tenths = int(round(item.hours * 10))
        if tenths > self.budget:
            return False
        while self.index < len(self.weeks) and self._room() < tenths:
            self._next_week()
        if self.index >= len(self.weeks):
            return False
        self.weeks[self.index].items.append(item)
        self.used += tenths
        return True

    def used_weeks(self) -> list[Week]:
        """All weeks up to the last one with new work (a week of review only stays, in order)."""
        last = max(
            (n for n, w in enumerate(self.weeks) if any(i.kind != "review" for i in w.items)), default=-1
        )
        return self.weeks[: last + 1]


def _area(tree, unit: str) -> str:
    node = tree[unit]
    while node.parent is not None:
        node = tree[node.parent]
    return node.id
