"""The learner store's tables, as SQLAlchemy 2 models.

The schema itself is created and changed only by the Alembic migrations in
`migrations/versions/`; these classes must match them (a test compares the
two). Every row belongs to one learner, and every query goes through a
learner's id, so one learner never sees another's rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_LENGTH = 200
ID_LENGTH = 300


class Base(DeclarativeBase):
    pass


class Learner(Base):
    """A learner: a login user, or a named local profile."""

    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("name", name="uq_learners_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    goal: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TopicState(Base):
    """Where a learner stands on one roadmap topic: not_started, learning, done or skipped."""

    __tablename__ = "topic_states"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # who set it: learner | quiz | placement
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Answer(Base):
    """One graded answer to a quiz item; overriding a grade changes `correct` and sets `overridden`."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_learner_item", "learner_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(40))
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    response: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)  # the grader's probability that it is right
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20))  # quiz | review | placement
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewCard(Base):
    """One FSRS card per (learner, item): the `fsrs.Card` as JSON, and its due time for queries."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "item_id", name="uq_review_cards_learner_item"),
        Index("ix_review_cards_learner_due", "learner_id", "due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(40))
    topic_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    card: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
