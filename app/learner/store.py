"""The learner store: learners, their topic states, graded answers and review cards, one transaction each.

Every method names its learner, and every query is filtered by that learner's
id, so no call can read or change another learner's rows. An answer, its
review card and the topic state it moves are written in one transaction that
is committed before the method returns: a server killed a moment later has
lost nothing it acknowledged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.core.errors import TutorError
from app.learner import review
from app.learner.models import NAME_LENGTH, Answer, Learner, ReviewCard, TopicState
from app.learner.states import STATES

if TYPE_CHECKING:
    from fsrs import Card
    from sqlalchemy.orm import Session

    from app.learner.db import Database

_NAME = re.compile(r"^[\w.@+ -]+$")


def check_name(name: str) -> str:
    """A learner's name as given, trimmed; an empty, overlong or odd one is one line."""
    name = (name or "").strip()
    if not name:
        raise TutorError("the learner's name is empty: pass --learner NAME (e.g. 'me')")
    if len(name) > NAME_LENGTH or not _NAME.match(name):
        raise TutorError(
            f"the learner name {name[:40]!r} is not valid: use up to {NAME_LENGTH} letters, digits, "
            "spaces and . _ - @ +"
        )
    return name


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Recorded:
    """What an answer left behind: its row id and the item's next due time."""

    answer_id: int
    due: datetime
    card: Card


@dataclass(frozen=True)
class CardRow:
    item_id: str
    topic_id: str
    card: Card
    last_correct: bool


class LearnerStore:
    """Reads and writes one database's learner data."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- learners ---------------------------------------------------------------

    def _learner(self, session: Session, name: str, *, create: bool = True) -> Learner | None:
        from sqlalchemy import select
        from sqlalchemy.exc import IntegrityError

        name = check_name(name)
        found = session.scalars(select(Learner).where(Learner.name == name)).first()
        if found is not None or not create:
            return found
        try:
            with session.begin_nested():  # another request may be creating the same learner right now
                learner = Learner(name=name, created_at=now())
                session.add(learner)
        except IntegrityError:
            return session.scalars(select(Learner).where(Learner.name == name)).one()
        return learner

    def ensure(self, name: str) -> None:
        """Create the learner if new."""
        with self.database.session() as session:
            self._learner(session, name)

    def exists(self, name: str) -> bool:
        with self.database.session() as session:
            return self._learner(session, name, create=False) is not None

    def names(self) -> list[str]:
        from sqlalchemy import select

        with self.database.session() as session:
            return list(session.scalars(select(Learner.name).order_by(Learner.name)))

    def goal(self, name: str) -> str | None:
        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            return learner.goal if learner else None

    def set_goal(self, name: str, goal: str | None) -> None:
        with self.database.session() as session:
            self._learner(session, name).goal = (goal or "").strip()[:NAME_LENGTH] or None

    # --- topic states -----------------------------------------------------------

    def states(self, name: str) -> dict[str, str]:
        from sqlalchemy import select

        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            if learner is None:
                return {}
            rows = session.scalars(select(TopicState).where(TopicState.learner_id == learner.id))
            return {row.topic_id: row.state for row in rows}

    def set_states(self, name: str, topic_ids: Iterable[str], state: str, source: str = "learner") -> int:
        """Set `state` on every topic in `topic_ids`; returns how many rows changed."""
        if state not in STATES:
            raise TutorError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
        with self.database.session() as session:
            learner = self._learner(session, name)
            return sum(self._set(session, learner.id, t, state, source) for t in dict.fromkeys(topic_ids))

    @staticmethod
    def _set(session: Session, learner_id: int, topic_id: str, state: str, source: str) -> bool:
        row = session.get(TopicState, (learner_id, topic_id))
        if row is None:
            session.add(
                TopicState(
                    learner_id=learner_id, topic_id=topic_id, state=state, source=source, updated_at=now()
                )
            )
            return True
        if row.state == state:
            return False
        row.state, row.source, row.updated_at = state, source, now()
        return True

    # --- answers and review cards ------------------------------------------------

    def record(
        self,
        name: str,
        *,
        item_id: str,
        topic_id: str,
        response: str,
        correct: bool,
        score: float,
        kind: str = "quiz",
        at: datetime | None = None,
        promote: bool = False,
    ) -> Recorded:
        """Store one graded answer and review its card, in one transaction.

        With `promote`, a topic not started becomes "learning" (a learner's
        own "skipped" or "done" is never undone here; see `mark_mastered`).
        """
        at = review.utc(at or now())
        with self.database.session() as session:
            learner = self._learner(session, name)
            answer = Answer(
                learner_id=learner.id,
                item_id=item_id,
                topic_id=topic_id,
                response=response,
                correct=correct,
                score=score,
                overridden=False,
                kind=kind,
                answered_at=at,
            )
            session.add(answer)
            row = self._card_row(session, learner.id, item_id)
            card = review.review(review.loads(row.card) if row else review.new_card(0, at), correct, at)
            if row is None:
                row = ReviewCard(learner_id=learner.id, item_id=item_id, topic_id=topic_id, card="", due=at)
                session.add(row)
                session.flush()
                card.card_id = row.id
            row.card, row.due = review.dumps(card), card.due
            if promote:
                current = session.get(TopicState, (learner.id, topic_id))
                state = current.state if current else "not_started"
                if state == "not_started":
                    self._set(session, learner.id, topic_id, "learning", "quiz")
            session.flush()
            return Recorded(answer.id, card.due, card)

    def mark_mastered(self, name: str, topic_id: str) -> bool:
        """A topic the learner is learning becomes done (its mastery reached the bar); True if it changed."""
        with self.database.session() as session:
            learner = self._learner(session, name)
            current = session.get(TopicState, (learner.id, topic_id))
            if current is None or current.state != "learning":
                return False
            return self._set(session, learner.id, topic_id, "done", "quiz")

    @staticmethod
    def _card_row(session: Session, learner_id: int, item_id: str) -> ReviewCard | None:
        from sqlalchemy import select

        query = select(ReviewCard).where(ReviewCard.learner_id == learner_id, ReviewCard.item_id == item_id)
        return session.scalars(query.with_for_update()).first()

    def override(self, name: str, answer_id: int, correct: bool) -> Recorded:
        """Correct the grade of one of the learner's answers and replay its item's card."""
        from sqlalchemy import select

        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            answer = session.get(Answer, answer_id) if learner else None
            if answer is None or answer.learner_id != learner.id:
                raise TutorError(f"no answer {answer_id} for learner {name!r}")
            answer.correct, answer.overridden = correct, True
            session.flush()
            history = session.scalars(
                select(Answer)
                .where(Answer.learner_id == learner.id, Answer.item_id == answer.item_id)
                .order_by(Answer.answered_at, Answer.id)
            ).all()
            row = self._card_row(session, learner.id, answer.item_id)
            card = review.replay(
                row.id, [review.Review(a.correct, review.utc(a.answered_at)) for a in history]
            )
            row.card, row.due = review.dumps(card), card.due
            return Recorded(answer.id, card.due, card)

    def cards(self, name: str) -> list[CardRow]:
        """Every review card of the learner, with whether the item's last answer was right."""
        from sqlalchemy import select

        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            if learner is None:
                return []
            last: dict[str, bool] = {}
            answers = select(Answer.item_id, Answer.correct).where(Answer.learner_id == learner.id)
            for item_id, correct in session.execute(answers.order_by(Answer.answered_at, Answer.id)):
                last[item_id] = correct
            rows = session.scalars(
                select(ReviewCard).where(ReviewCard.learner_id == learner.id).order_by(ReviewCard.item_id)
            )
            return [
                CardRow(r.item_id, r.topic_id, review.loads(r.card), last.get(r.item_id, False)) for r in rows
            ]

    def due(self, name: str, until: datetime) -> list[tuple[str, str, datetime]]:
        """(item id, topic id, due) of the learner's cards due by `until`, soonest first."""
        from sqlalchemy import select

        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            if learner is None:
                return []
            rows = session.execute(
                select(ReviewCard.item_id, ReviewCard.topic_id, ReviewCard.due)
                .where(ReviewCard.learner_id == learner.id, ReviewCard.due <= review.utc(until))
                .order_by(ReviewCard.due, ReviewCard.item_id)
            )
            return [(item, topic, review.utc(due)) for item, topic, due in rows]

    def answers(self, name: str) -> list[Answer]:
        from sqlalchemy import select

        with self.database.session() as session:
            learner = self._learner(session, name, create=False)
            if learner is None:
                return []
            query = (
                select(Answer).where(Answer.learner_id == learner.id).order_by(Answer.answered_at, Answer.id)
            )
            return list(session.scalars(query))
