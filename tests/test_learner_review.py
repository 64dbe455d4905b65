"""app/learner/review.py through the store: due dates are the `fsrs` package's own for the same history.

The reference side uses `fsrs` directly (Scheduler, Card, Rating), not our
module, so a mistake in how we call it, store the card or replay a corrected
grade shows up as a different due date.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.learner.store import LearnerStore

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
histories = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=1, max_value=60 * 24 * 40)),  # right?, minutes later
    min_size=1,
    max_size=8,
)


def reference_due(history: list[tuple[bool, datetime]]) -> datetime:
    from fsrs import Card, Rating, Scheduler

    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(due=history[0][1])
    for correct, at in history:
        card, _ = scheduler.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=at)
    return card.due


def timeline(steps: list[tuple[bool, int]]) -> list[tuple[bool, datetime]]:
    at, found = T0, []
    for correct, minutes in steps:
        at += timedelta(minutes=minutes)
        found.append((correct, at))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=histories)
def test_due_dates_match_the_fsrs_package_for_the_same_history(store: LearnerStore, steps) -> None:
    history = timeline(steps)
    learner = f"l{abs(hash(tuple(steps))) % 10**9}"
    for correct, at in history:
        recorded = store.record(
            learner, item_id="e1", topic_id="t", response="r", correct=correct, score=0.5, at=at
        )
    assert recorded.due == reference_due(history)
    (card,) = store.cards(learner)
    assert card.card.due == reference_due(history)  # and that is what was stored


def test_an_overridden_grade_gives_the_due_date_of_the_corrected_history(store: LearnerStore) -> None:
    history = timeline([(False, 1), (True, 60 * 24), (True, 60 * 24 * 3)])
    ids = [
        store.record("ann", item_id="e1", topic_id="t", response="r", correct=c, score=0.5, at=at).answer_id
        for c, at in history
    ]
    corrected = store.override("ann", ids[0], True)
    expected = reference_due([(True, history[0][1]), *history[1:]])
    assert corrected.due == expected
    assert store.due("ann", expected)[0][2] == expected
    assert store.due("ann", expected - timedelta(seconds=1)) == []


@pytest.mark.parametrize("correct", [True, False])
def test_the_first_review_follows_the_learning_steps(store: LearnerStore, correct: bool) -> None:
    recorded = store.record(
        "ann", item_id="e1", topic_id="t", response="r", correct=correct, score=0.5, at=T0
    )
    # The package's default learning steps: 1 minute after Again, 10 minutes after Good.
    assert recorded.due - T0 == timedelta(minutes=10 if correct else 1)
