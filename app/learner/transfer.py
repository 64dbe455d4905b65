"""A learner's data as one JSON document: exported from one store, imported into another.

The document holds the topic states, every graded answer and every review
card, so an import on another machine (or another database) schedules
exactly as the original would. An import never merges into a learner that
already has data: nothing already stored is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner import review
from app.learner.items import current_id
from app.learner.models import Answer, ReviewCard, TopicState
from app.learner.states import STATES
from app.learner.store import LearnerStore, check_name, now

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMAT = "skills-tutor-learner"
VERSION = 1


def export_learner(store: LearnerStore, name: str) -> dict[str, Any]:
    """Everything stored for `name`, as plain JSON values."""
    from sqlalchemy import select

    with store.database.session() as session:
        learner = store._learner(session, name, create=False)
        if learner is None:
            raise TutorError(f"no learner {name!r} in this store")
        states = session.scalars(select(TopicState).where(TopicState.learner_id == learner.id))
        answers = session.scalars(
            select(Answer).where(Answer.learner_id == learner.id).order_by(Answer.answered_at, Answer.id)
        )
        cards = session.scalars(select(ReviewCard).where(ReviewCard.learner_id == learner.id))
        return {
            "format": FORMAT,
            "version": VERSION,
            "learner": learner.name,
            "goal": learner.goal,
            "exported_at": now().isoformat(),
            "states": [
                {
                    "topic_id": s.topic_id,
                    "state": s.state,
                    "source": s.source,
                    "updated_at": review.utc(s.updated_at).isoformat(),
                }
                for s in sorted(states, key=lambda s: s.topic_id)
            ],
            "answers": [
                {
                    "item_id": a.item_id,
                    "topic_id": a.topic_id,
                    "response": a.response,
                    "correct": a.correct,
                    "score": a.score,
                    "overridden": a.overridden,
                    "kind": a.kind,
                    "answered_at": review.utc(a.answered_at).isoformat(),
                }
                for a in answers
            ],
            "cards": [
                {"item_id": c.item_id, "topic_id": c.topic_id, "card": review.loads(c.card).to_dict()}
                for c in sorted(cards, key=lambda c: c.item_id)
            ],
        }


def import_learner(store: LearnerStore, data: Any, name: str | None = None) -> str:
    """Create the learner of `data` (or `name`) with its states, answers and cards; returns the name."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TutorError(f'not a learner export: expected a JSON object with "format": "{FORMAT}"')
    if data.get("version") != VERSION:
        raise TutorError(
            f"learner export version {data.get('version')!r} is not supported (expected {VERSION})"
        )
    name = check_name(name or str(data.get("learner") or ""))
    try:
        with store.database.session() as session:
            learner = store._learner(session, name)
            if _has_data(session, learner.id):
                raise TutorError(
                    f"learner {name!r} already has data here; import under another name (--as NAME)"
                )
            learner.goal = data.get("goal")
            _add_rows(session, learner.id, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise TutorError(f"the learner export is damaged ({exc.__class__.__name__}: {exc})") from exc
    return name


def _has_data(session: Session, learner_id: int) -> bool:
    from sqlalchemy import exists, select

    return any(
        session.scalar(select(exists().where(table.learner_id == learner_id)))
        for table in (TopicState, Answer, ReviewCard)
    )


def _add_rows(session: Session, learner_id: int, data: dict) -> None:
    for s in data.get("states", []):
        if s["state"] not in STATES:
            raise ValueError(f"unknown state {s['state']!r}")
        session.add(
            TopicState(
                learner_id=learner_id,
                topic_id=str(s["topic_id"]),
                state=s["state"],
                source=str(s.get("source", "import")),
                updated_at=datetime.fromisoformat(s["updated_at"]),
            )
        )
    for a in data.get("answers", []):
        session.add(
            Answer(
                learner_id=learner_id,
                item_id=current_id(str(a["item_id"])),
                topic_id=str(a["topic_id"]),
                response=str(a["response"]),
                correct=bool(a["correct"]),
                score=float(a["score"]),
                overridden=bool(a.get("overridden", False)),
                kind=str(a.get("kind", "quiz")),
                answered_at=datetime.fromisoformat(a["answered_at"]),
            )
        )
    for c in data.get("cards", []):
        from fsrs import Card

        card = Card.from_dict(c["card"])
        row = ReviewCard(
            learner_id=learner_id,
            item_id=current_id(str(c["item_id"])),
            topic_id=str(c["topic_id"]),
            card="",
            due=card.due,
        )
        session.add(row)
        session.flush()
        card.card_id = row.id
        row.card = review.dumps(card)
