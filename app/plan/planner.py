"""From a learner's request to a plan: resolve the goal and known topics, dates and weeks.

A goal is a track ("mlops-engineer" or "MLOps engineer"), topic ids or titles
separated by commas, or free text, which `app.plan.goals` matches with a
confidence: a goal it is not sure about is asked back (`GoalUnclear`, with the
candidates to pick from), never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.answer.spelling import Speller
from app.core.errors import TutorError
from app.plan.curriculum import Curriculum
from app.plan.feasibility import MAX_WEEKS
from app.plan.goals import Candidate, GoalResolver, Resolution
from app.plan.schedule import Plan, make_plan

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from ingest.entries import Entry


class GoalUnclear(TutorError):
    """A free-text goal that could mean several parts of the roadmap: the learner picks one."""

    def __init__(self, goal: str, candidates: tuple[Candidate, ...]) -> None:
        self.goal = goal
        self.candidates = candidates
        options = "; ".join(f"{c.label} [{c.id}]" for c in candidates)
        super().__init__(
            f"the goal {goal!r} could mean several things: pick one of {options} and name it as the goal"
        )


def parse_date(text: str | None, what: str) -> date | None:
    """A YYYY-MM-DD date typed by a learner (`what` names the field); empty means not given."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise TutorError(f"{what} {text!r} is not a date: use YYYY-MM-DD") from exc


@dataclass
class PlanRequest:
    goal: str
    hours_per_week: float
    weeks: int | None = None
    until: date | None = None
    start: date | None = None
    known: tuple[str, ...] = ()
    deepen: bool = False  # a fast track fills the weeks after the goal with the deepening


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class StudyPlanner:
    """Plans for the roadmap's curriculum; the embedder is only used for free-text goals."""

    def __init__(
        self,
        curriculum: Curriculum,
        embeddings: Callable[[], Embeddings] | None = None,
        entries: Iterable[Entry] = (),
        cache_dir: Path | None = None,
    ) -> None:
        """`embeddings` builds the embedder on first need (only free-text goals need it);
        `entries` (the topic entries) describe the units to the goal matcher, whose vectors
        are kept in `cache_dir`."""
        self.curriculum = curriculum
        self.tree = curriculum.tree
        self.entries = list(entries)
        self.goals = GoalResolver(curriculum, embeddings, self.entries, cache_dir)

    def plan(self, request: PlanRequest, today: date | None = None) -> Plan:
        start = request.start or next_monday(today or date.today())
        weeks = self.weeks_for(request, start)
        if not request.goal.strip():
            raise TutorError("the goal is empty: name a track, topics, or what you want to build")
        targets, focus = self.goal_of(request.goal)
        known = self.known(request.known)
        return make_plan(
            self.curriculum,
            request.goal,
            targets,
            known,
            request.hours_per_week,
            weeks,
            start,
            deepen=request.deepen,
            focus=focus,
        )

    @staticmethod
    def weeks_for(request: PlanRequest, start: date) -> int:
        if request.hours_per_week < 0.1:
            raise TutorError(f"hours per week must be at least 0.1 (got {request.hours_per_week:g})")
        if request.hours_per_week > 7 * 24:
            raise TutorError(f"a week has 168 hours; {request.hours_per_week:g} per week is not possible")
        if request.weeks is not None and request.until is not None:
            raise TutorError("give either a number of weeks or an end date, not both")
        if request.until is not None:
            if request.until <= start:
                raise TutorError(f"the end date {request.until} is not after the start {start}")
            weeks = math.ceil((request.until - start).days / 7)
        elif request.weeks is not None:
            weeks = request.weeks
        else:
            raise TutorError("give a number of weeks or an end date")
        if weeks <= 0:
            raise TutorError(f"the number of weeks must be at least 1 (got {weeks})")
        if weeks > MAX_WEEKS:
            raise TutorError(f"plans go up to {MAX_WEEKS} weeks (ten years)")
        return weeks

    def known(self, items: tuple[str, ...]) -> set[str]:
        """Node ids at the granularity named: a topic ("Python") credits that topic only, a unit,
        section or area credits its units."""
        known: set[str] = set()
        for item in items:
            node_id = self.tree.find(item.strip())
            if node_id is None:
                raise TutorError(f"unknown topic {item!r}: use an id or a title from 'tutor topics'")
            known.update([node_id] if self.tree[node_id].kind == "topic" else self.tree.unit_of(node_id))
        return known

    def resolve(self, goal: str) -> Resolution:
        """What the goal resolves to (see `app.plan.goals`), without raising; its misspelt words are
        read as the roadmap's ("probabilty": probability, `app.answer.spelling`)."""
        return replace(self.goals.resolve(self._speller.correct(goal)), goal=goal)

    @cached_property
    def _speller(self) -> Speller:  # the roadmap's titles and its entries' words, gathered on first use
        texts = [node.title for node in self.tree.nodes.values()]
        return Speller(texts + [" ".join([*entry.path, *entry.what]) for entry in self.entries])

    def targets(self, goal: str) -> list[str]:
        """The goal's target units; a goal to pick among raises `GoalUnclear`, one off the roadmap
        a `TutorError`."""
        return self.goal_of(goal)[0]

    def goal_of(self, goal: str) -> tuple[list[str], list[str]]:
        """(the goal's target units, the topics of them it names: its focus); raises as `targets`."""
        text = goal.strip()
        resolution = self.resolve(text)
        if resolution.status in ("named", "matched"):
            return resolution.targets, resolution.focus
        if resolution.status == "ask":
            raise GoalUnclear(text, resolution.candidates)
        if not self.goals.can_match:
            raise TutorError(f"no track or topic is named {text!r}; see 'tutor topics' for names")
        about = f" (it is about {resolution.outside})" if resolution.outside else ""
        raise TutorError(
            f"the goal {text!r} is not something the roadmap covers{about}; "
            "name a track, topics, or a skill it lists"
        )
