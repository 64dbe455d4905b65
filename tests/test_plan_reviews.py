"""A plan week's review is filled with the learner's quiz items due that week (app/web/plan_tab.py).

The real planner and learner store (SQLite, and PostgreSQL when configured), the
real grader; answers are given at fixed times so their FSRS due dates are known.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.learner.coach import reviews_by_week
from app.web.plan_tab import PlanTab
from app.web.profile import Profiles

START = date(2027, 1, 4)  # a Monday


@pytest.fixture
def planner(make_settings: Callable[..., Any], real_roadmap: Path):
    from app.wiring import build_study_planner

    return build_study_planner(make_settings(seeds=[real_roadmap]))


def test_due_items_fall_in_the_week_they_are_due(coach) -> None:
    item = coach.bank.items[0]
    coach.answer("ana", item.id, item.key, at=datetime(2027, 1, 1, 9, tzinfo=UTC))
    [due] = coach.due_items("ana", datetime(2027, 3, 1, tzinfo=UTC))
    starts = [START + timedelta(days=7 * n) for n in range(8)]
    weeks = reviews_by_week([due], starts)
    [(week, items)] = weeks.items()
    assert items == [due] and starts[week - 1] <= max(due.due.date(), START) < starts[week - 1] + timedelta(
        days=7
    )
    assert reviews_by_week([due], [START + timedelta(days=400)]) == {1: [due]}  # overdue: the first week
    assert reviews_by_week([due], [START - timedelta(days=400)]) == {}  # due after the plan ends


def test_the_plan_tab_names_the_learners_due_items_and_only_theirs(coach, planner) -> None:
    for item in coach.bank.items[:5]:
        coach.answer("ana", item.id, item.key, at=datetime(2026, 12, 20, 9, tzinfo=UTC))
    tab = PlanTab(planner, learners=coach, profiles=Profiles(login=False))
    make = lambda who: tab.make("mlops-engineer", [], 8, 12, "", START.isoformat(), profile=who)  # noqa: E731
    tips = make("ana")[3]
    assert "Review: 5 quiz items due" in tips or "quiz item due" in tips
    assert coach.bank.items[0].key not in tips  # questions only: keys are for after answering
    assert "quiz item" not in make("ben")[3]  # another learner's plan has none of them
