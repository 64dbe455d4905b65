"""Laying a route into weeks: a fixed weekly budget, reviews from week two, projects, what did not fit.

Steps are taken in order and poured into weeks front to back without ever
passing the weekly hours; a step longer than the room left continues the next
week, and each week's item names the pieces it covers, so a long unit reads as
a different set of sub-topics each week rather than the same title repeated.
No week holds a sliver of a step that goes on elsewhere: a step whose part
would be under half an hour starts the next week instead, or leaves the next
week half an hour of it. From week two on, part of each week reviews the
previous week's last topic.
A small hands-on project, which is never split, follows the step that closes
an area; when the week has no room left for it, the next steps fill that room
and the project opens the next week, so no week stands half empty before it.
Hours are counted in tenths, so sums never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from app.plan.route import Step
from app.plan.skills import SkillTree

REVIEW_SHARE = 0.10  # of each week's hours, from week 2 on
MIN_REVIEW_TENTHS = 5  # at least half an hour
PROJECT_SHARE = 0.15  # of the phase's learning hours
MIN_PROJECT_TENTHS, MAX_PROJECT_TENTHS = 20, 100  # 2 to 10 hours, and never more than a week holds
MIN_PART_TENTHS = 5  # the least of a step split across weeks that one week holds


@dataclass(frozen=True)
class Item:
    topic_id: str  # a unit (an area for projects)
    title: str
    path: tuple[str, ...]
    hours: float
    kind: str  # "learn" | "essentials" | "review" | "project"
    topics: tuple[str, ...] = ()  # the roadmap topics (node ids) this item covers
    covers: tuple[str, ...] = ()  # the named sub-topics it covers this week
    serves: str | None = None  # the goal topic it leads to


@dataclass(frozen=True)
class Checkpoint:
    """How a learner checks a week: a self-check question with its key, or a small exercise."""

    text: str
    answer: str = ""
    about: str = ""  # the sub-topic it checks


@dataclass
class Week:
    week: int
    start: date
    items: list[Item] = field(default_factory=list)
    checkpoint: Checkpoint | None = None

    @property
    def hours(self) -> float:
        return round(sum(i.hours for i in self.items), 1)

    @property
    def serves(self) -> list[str]:
        """The goal topics this week's work leads to, in order."""
        return list(dict.fromkeys(i.serves for i in self.items if i.serves and i.kind != "review"))


class Leftover(NamedTuple):
    """Work that did not fit: a unit (or an area's project), its hours and what kind of work it was."""

    topic_id: str
    title: str
    hours: float
    kind: str  # "learn" | "essentials" | "deepening" | "project"


def lay_out(
    tree: SkillTree,
    steps: list[Step],
    weeks: int,
    start: date,
    budget: int,
    closes: dict[int, str],
    depth_from: int | None = None,
) -> tuple[list[Week], list[Leftover]]:
    """Pour `steps` into `weeks` of `budget` tenths; `closes[i]` is the area step i closes with a project.

    Steps from index `depth_from` on are deepening: what of them does not fit is listed as such.
    """
    calendar = _Calendar(weeks, start, budget)
    phase: dict[str, int] = {}  # tenths learned per area, for the size of its project
    left: list[Leftover] = []
    for n, step in enumerate(steps):
        node = tree[step.unit]
        title = tree.label(node.id) if step.kind == "learn" else f"Essentials: {tree.label(node.id)}"
        remaining = calendar.fill(step, title, node.path)
        area = area_of(tree, step.unit)
        phase[area] = phase.get(area, 0) + step.tenths - remaining
        if remaining:
            kind = "deepening" if depth_from is not None and n >= depth_from else step.kind
            left.append(Leftover(step.unit, title, remaining / 10, kind))
        elif n in closes:
            a = tree[closes[n]]
            size = min(MAX_PROJECT_TENTHS, max(MIN_PROJECT_TENTHS, int(phase.get(a.id, 0) * PROJECT_SHARE)))
            size = min(size, calendar.week_room())  # a project is done within one week
            calendar.place(
                Item(a.id, f"Project: {a.title}", a.path, size / 10, "project", serves=step.serves)
            )
    left += [Leftover(i.topic_id, i.title, i.hours, "project") for i in calendar.finish()]
    return calendar.used_weeks(), left


class _Calendar:
    """Weeks with a fixed budget in tenths of an hour, filled front to back."""

    def __init__(self, weeks: int, start: date, budget: int) -> None:
        self.weeks = [Week(n + 1, start + timedelta(weeks=n)) for n in range(weeks)]
        self.budget = budget
        self.review = max(MIN_REVIEW_TENTHS, int(budget * REVIEW_SHARE))
        self.index = 0
        self.used = 0
        self.pending: list[Item] = []  # unsplittable items waiting for the next week's room

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
        learned = [i for i in previous.items if i.kind in ("learn", "essentials")]
        if learned and self.review < self.budget:
            last = learned[-1]
            title = f"Review: {last.title.removeprefix('Essentials: ')}"
            item = Item(last.topic_id, title, last.path, self.review / 10, "review", covers=last.covers)
            self.weeks[self.index].items.append(item)
            self.used = self.review
        waiting, self.pending = self.pending, []
        for item in waiting:
            self.place(item)
        return True

    def fill(self, step: Step, title: str, path: tuple[str, ...]) -> int:
        """Schedule the step's pieces, across weeks if needed; return the tenths that did not fit."""
        pieces = [[p, p.tenths] for p in step.pieces]  # a piece and what is left of it
        left = step.tenths
        while left > 0 and self.index < len(self.weeks):
            take = self._part(left)
            if take <= 0:
                self._next_week()
                continue
            covered, need = [], take
            for entry in pieces:
                if need <= 0:
                    break
                if entry[1] > 0:
                    used = min(entry[1], need)
                    entry[1] -= used
                    need -= used
                    covered.append(entry[0])
            item = Item(
                step.unit,
                title,
                path,
                take / 10,
                step.kind,
                topics=tuple(dict.fromkeys(p.topic for p in covered)),
                covers=tuple(dict.fromkeys(p.name for p in covered)),
                serves=step.serves,
            )
            self.weeks[self.index].items.append(item)
            self.used += take
            left -= take
        return left

    def _part(self, left: int) -> int:
        """How much of a step with `left` tenths to do this week: all of it if it fits, else what
        fits, less enough to leave the next week half an hour of it. A week that already holds
        learning takes no part under half an hour; a week of its own takes what fits."""
        room = self._room()
        if left <= room:
            return left
        take = room if left - room >= MIN_PART_TENTHS else left - MIN_PART_TENTHS
        if take >= MIN_PART_TENTHS:
            return take
        return room if room >= self.week_room() else 0

    def place(self, item: Item) -> None:
        """Put an unsplittable item in this week, or first thing next week when it does not fit."""
        tenths = int(round(item.hours * 10))
        if self.index < len(self.weeks) and tenths <= self._room():
            self.weeks[self.index].items.append(item)
            self.used += tenths
        else:
            self.pending.append(item)

    def finish(self) -> list[Item]:
        """Place what still waits for a week with room; return what no week left could hold."""
        while self.pending and self.index < len(self.weeks) and self._next_week():
            pass
        return self.pending

    def used_weeks(self) -> list[Week]:
        """All weeks up to the last one with new work (a week of review only stays, in order)."""
        last = max(
            (n for n, w in enumerate(self.weeks) if any(i.kind != "review" for i in w.items)), default=-1
        )
        return self.weeks[: last + 1]


def area_of(tree: SkillTree, unit: str) -> str:
    """The area a unit belongs to."""
    node = tree[unit]
    while node.parent is not None:
        node = tree[node.parent]
    return node.id


def weeks_text(count: int) -> str:
    """ "1 week", "5 weeks"."""
    return f"{count} week" if count == 1 else f"{count} weeks"
