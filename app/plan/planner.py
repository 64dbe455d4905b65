"""From a learner's request to a plan: resolve the goal and known topics, dates and weeks.

A goal is a track ("mlops-engineer" or "MLOps engineer"), topic ids or titles
separated by commas, or free text. Free text is matched with the embedder
against the tracks' descriptions and the units' breadcrumbs: a clearly
matching track wins, else the best few units become the targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from app.core.errors import TutorError
from app.plan.curriculum import Curriculum
from app.plan.schedule import Plan, make_plan

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

TRACK_MATCH = 0.45  # cosine at which free text names a track
UNIT_MATCH = 0.35  # cosine at which free text names a unit
TRACK_MARGIN = 0.1
MAX_FREE_TARGETS = 3
MAX_WEEKS = 520


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


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class StudyPlanner:
    """Plans for the roadmap's curriculum; the embedder is only used for free-text goals."""

    def __init__(self, curriculum: Curriculum, embeddings: Callable[[], Embeddings] | None = None) -> None:
        """`embeddings` builds the embedder on first need (only free-text goals need it)."""
        self.curriculum = curriculum
        self.tree = curriculum.tree
        self._embeddings_factory = embeddings
        self._embeddings: Embeddings | None = None
        self._vectors = None

    def plan(self, request: PlanRequest, today: date | None = None) -> Plan:
        start = request.start or next_monday(today or date.today())
        weeks = self.weeks_for(request, start)
        if not request.goal.strip():
            raise TutorError("the goal is empty: name a track, topics, or what you want to build")
        targets = self.targets(request.goal)
        known = self.known(request.known)
        return make_plan(self.curriculum, request.goal, targets, known, request.hours_per_week, weeks, start)

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
        known: set[str] = set()
        for item in items:
            node_id = self.tree.find(item.strip())
            if node_id is None:
                raise TutorError(f"unknown topic {item!r}: use an id or a title from 'tutor topics'")
            known.update(self.tree.unit_of(node_id))
        return known

    def targets(self, goal: str) -> list[str]:
        tracks = self.curriculum.tracks
        text = goal.strip()
        for track in tracks.values():
            if text.casefold() in (track.id.casefold(), track.title.casefold()):
                return list(track.targets)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        found = [self.tree.find(p) for p in parts]
        if parts and all(found):
            return [u for node_id in found for u in self.tree.unit_of(node_id)]
        return self._match_free_text(text)

    def _match_free_text(self, text: str) -> list[str]:
        import numpy as np

        if self._embeddings_factory is None:
            raise TutorError(f"no track or topic is named {text!r}; see 'tutor topics' for names")
        embeddings = self._embeddings = self._embeddings or self._embeddings_factory()
        tracks = list(self.curriculum.tracks.values())
        units = self.tree.units
        if self._vectors is None:
            texts = [f"{t.title}: {t.description}" for t in tracks] + [" > ".join(u.path) for u in units]
            self._vectors = np.asarray(embeddings.embed_documents(texts))
        query = np.asarray(embeddings.embed_query(text))
        scores = self._vectors @ query
        track_scores, unit_scores = scores[: len(tracks)], scores[len(tracks) :]
        # A track named outright ("become a data engineer") beats a slightly closer single unit.
        best_track = track_scores.max() if len(tracks) else -1.0
        if best_track >= TRACK_MATCH and best_track >= unit_scores.max() - TRACK_MARGIN:
            return list(tracks[int(track_scores.argmax())].targets)
        best = np.argsort(-unit_scores, kind="stable")[:MAX_FREE_TARGETS]
        chosen = [units[i].id for i in best if unit_scores[i] >= UNIT_MATCH]
        if not chosen:
            raise TutorError(f"the goal {text!r} matches nothing in the roadmap; name a track or topics")
        return chosen
