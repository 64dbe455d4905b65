"""Spaced review with FSRS: open-spaced-repetition's `fsrs` package schedules every quiz item as a card.

Nothing here computes an interval: each graded answer is one review of the
item's card, rated Good when right and Again when wrong, and `fsrs.Scheduler`
says when the card is due next. Fuzzing is off, so the same review history
always gives the same due date, which is what lets a corrected grade replay
the history (`replay`) and what the tests compare against the package.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fsrs import Card, Scheduler


@dataclass(frozen=True)
class Review:
    """One graded answer as FSRS sees it."""

    correct: bool
    at: datetime


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (SQLite hands back naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=1)
def scheduler() -> Scheduler:
    """The package's scheduler with its default parameters and retention 0.9, without fuzz."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False)


def rating(correct: bool):
    from fsrs import Rating

    return Rating.Good if correct else Rating.Again


def new_card(card_id: int, at: datetime) -> Card:
    from fsrs import Card

    return Card(card_id=card_id, due=utc(at))


def review(card: Card, correct: bool, at: datetime) -> Card:
    """The card after one more review at `at`."""
    updated, _ = scheduler().review_card(card, rating(correct), review_datetime=utc(at))
    return updated


def replay(card_id: int, reviews: Sequence[Review]) -> Card:
    """The card that this review history gives, from a new card (used when a grade is corrected)."""
    if not reviews:
        raise ValueError("a card needs at least one review")
    card = new_card(card_id, reviews[0].at)
    for one in reviews:
        card = review(card, one.correct, one.at)
    return card


def dumps(card: Card) -> str:
    return json.dumps(card.to_dict(), sort_keys=True)


def loads(text: str) -> Card:
    from fsrs import Card

    return Card.from_dict(json.loads(text))


def recall(card: Card, now: datetime) -> float:
    """FSRS's probability that the learner recalls the card now (0 before its first review)."""
    if card.last_review is None:
        return 0.0
    return float(scheduler().get_card_retrievability(card, current_datetime=utc(now)))
