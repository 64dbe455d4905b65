"""app/plan/schedule.py: the weekly schedule, checked by properties over generated requests and by examples.

The planner works on the real roadmap and curriculum only; it needs no index and no model.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.errors import TutorError
from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.schedule import Item, Plan, make_plan
from app.plan.skills import SkillTree

CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"
START = date(2027, 1, 4)
PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True)


@functools.cache
def shipped() -> Curriculum:
    """The real roadmap's curriculum, loaded on first use (hypothesis strategies need it too)."""
    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return shipped()


@dataclass(frozen=True)
class Request:
    goal: str  # a track id, or the units' ids joined
    units: tuple[str, ...]  # empty when the goal is a track
    known: frozenset[str]
    hours_per_week: float
    weeks: int
    start: date

    @classmethod
    def track(cls, track_id: str, hours_per_week: float, weeks: int) -> Request:
        return cls(track_id, (), frozenset(), hours_per_week, weeks, START)

    @property
    def targets(self) -> list[str]:
        return list(self.units) if self.units else list(shipped().tracks[self.goal].targets)

    def plan(self) -> Plan:
        return make_plan(
            shipped(), self.goal, self.targets, self.known, self.hours_per_week, self.weeks, self.start
        )


@st.composite
def _requests(draw: st.DrawFn) -> Request:
    """A track or 1-3 units as the goal, some known units, 3-20 h/week (fractional too), 4-26 weeks."""
    curriculum = shipped()
    units = [u.id for u in curriculum.tree.units]
    if draw(st.booleans()):
        goal, chosen = draw(st.sampled_from(sorted(curriculum.tracks))), ()
    else:
        chosen = tuple(draw(st.lists(st.sampled_from(units), min_size=1, max_size=3)))
        goal = ", ".join(chosen)
    known = draw(st.frozensets(st.sampled_from(units), max_size=40))
    hours = draw(
        st.one_of(
            st.integers(3, 20).map(float),
            st.integers(6, 40).map(lambda halves: halves / 2),
            st.floats(3, 20, allow_nan=False, allow_infinity=False),
        )
    )
    weeks = draw(st.integers(4, 26))
    start = draw(st.dates(date(2024, 1, 1), date(2032, 12, 31)))
    return Request(goal, chosen, known, hours, weeks, start)


REQUESTS = st.deferred(_requests)  # built on first draw: no roadmap parsing at import


def flat(plan: Plan) -> list[Item]:
    return [item for week in plan.weeks for item in week.items]


def learned_hours(plan: Plan) -> dict[str, float]:
    hours: dict[str, float] = defaultdict(float)
    for item in flat(plan):
        if item.kind == "learn":
            hours[item.topic_id] += item.hours
    return hours


def area_of(curriculum: Curriculum, unit: str) -> str:
    node = curriculum.tree[unit]
    while node.parent is not None:
        node = curriculum.tree[node.parent]
    return node.id


# --- properties -------------------------------------------------------------------------


@PROPERTIES
@given(request=REQUESTS)
@example(request=Request.track("mlops-engineer", 7.75, 8))  # 7.75 h must not become 7.8 h weeks
def test_no_week_exceeds_the_weekly_hours(request: Request) -> None:
    plan = request.plan()
    for week in plan.weeks:
        assert week.hours <= request.hours_per_week + 1e-9, (week.week, week.hours, request.hours_per_week)
        assert sum(i.hours for i in week.items) <= request.hours_per_week + 1e-9


@PROPERTIES
@given(request=REQUESTS)
@example(request=Request.track("ml-engineer", 10, 11))  # a project waiting for room must not skip a week
def test_weeks_are_consecutive_from_the_start_date(request: Request) -> None:
    plan = request.plan()
    assert len(plan.weeks) <= request.weeks
    assert [w.week for w in plan.weeks] == list(range(1, len(plan.weeks) + 1))
    assert [w.start for w in plan.weeks] == [
        request.start + timedelta(weeks=n) for n in range(len(plan.weeks))
    ]


@PROPERTIES
@given(request=REQUESTS)
@example(request=Request.track("ml-engineer", 10, 11))
def test_plans_keep_their_invariants(request: Request) -> None:
    plan = request.plan()
    curriculum = shipped()
    tree = curriculum.tree
    items = flat(plan)
    needed = curriculum.closure(set(request.targets)) - request.known
    learned = learned_hours(plan)
    left = {topic_id: hours for topic_id, _, hours in plan.unscheduled}
    node_paths = {node.path for node in tree.nodes.values()}

    # Only needed units are learned, and every needed unit is either fully learned or listed as left.
    assert set(learned) <= needed
    assert not set(learned) & request.known
    for unit in needed:
        done = learned.get(unit, 0.0)
        assert done + left.get(unit, 0.0) == pytest.approx(curriculum.hours[unit]), unit
        if done == pytest.approx(curriculum.hours[unit]):
            assert unit not in left
    for target in set(request.targets) - request.known:
        assert learned.get(target, 0.0) == pytest.approx(curriculum.hours[target]) or target in left

    # Prerequisite order: each learn item comes after every part of each missing prerequisite.
    last_part = {item.topic_id: n for n, item in enumerate(items) if item.kind == "learn"}
    for n, item in enumerate(items):
        if item.kind != "learn":
            continue
        for need in curriculum.prerequisites[item.topic_id] - request.known:
            assert learned.get(need, 0.0) == pytest.approx(curriculum.hours[need]), (item.topic_id, need)
            assert last_part[need] < n, (item.topic_id, need)

    # Every item points into the tree; projects close an area whose needed units are all learned.
    for n, item in enumerate(items):
        assert item.path in node_paths, item
        assert item.topic_id in tree and tree[item.topic_id].path == item.path
        assert item.hours > 0
        if item.kind == "review":
            assert tree[item.topic_id].unit and item.title == f"Review: {tree[item.topic_id].title}"
        if item.kind == "project":
            area = tree[item.topic_id]
            assert area.kind == "area" and item.title == f"Project: {area.title}"
            for unit in needed:
                if area_of(curriculum, unit) == area.id:
                    assert learned.get(unit, 0.0) == pytest.approx(curriculum.hours[unit])
                    assert last_part[unit] < n
    projects = [i.topic_id for i in items if i.kind == "project"]
    assert len(projects) == len(set(projects))

    assert plan.total_hours == pytest.approx(sum(w.hours for w in plan.weeks))
    assert plan.to_json()["total_hours"] == plan.total_hours
    assert plan.to_json() == request.plan().to_json()  # deterministic


# --- examples ---------------------------------------------------------------------------


def test_a_long_unit_continues_over_consecutive_weeks(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 6, 8, START)
    learn = [(w.week, i.hours) for w in plan.weeks for i in w.items if i.kind == "learn"]
    assert learn == [(1, 6.0), (2, 5.4), (3, 5.4), (4, 5.4), (5, 5.4), (6, 2.4)]
    assert sum(h for _, h in learn) == pytest.approx(curriculum.hours[CORE_LANGUAGES])
    assert plan.unscheduled == []


def test_review_time_from_week_two(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 6, 8, START)
    assert [i.kind for i in plan.weeks[0].items] == ["learn"]
    for week in plan.weeks[1:]:
        review = week.items[0]
        assert (review.kind, review.topic_id, review.title, review.hours) == (
            "review",
            CORE_LANGUAGES,
            "Review: Core Languages",
            0.6,  # 10% of 6 h
        )
    # Small weeks still review for half an hour.
    small = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 3, 4, START)
    assert [(i.kind, i.hours) for i in small.weeks[1].items] == [("review", 0.5), ("learn", 2.5)]


def test_a_project_closes_each_area_phase(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "g", ["domain-knowledge", "soft-skills"], set(), 10, 4, START)
    week = plan.weeks[0]
    assert [(i.kind, i.topic_id, i.hours) for i in week.items] == [
        ("learn", "domain-knowledge", 8.0),
        ("project", "domain-knowledge", 2.0),  # 15% of 8 h, at least 2 h
    ]
    project = week.items[1]
    assert project.title == "Project: Domain Knowledge"
    assert project.path == ("Essential skills for an AI engineer", "7. Domain Knowledge")
    second = [(i.kind, i.topic_id, i.hours) for i in plan.weeks[1].items]
    assert second == [
        ("review", "domain-knowledge", 1.0),
        ("learn", "soft-skills", 6.0),
        ("project", "soft-skills", 2.0),
    ]
    assert len(plan.weeks) == 2
    assert plan.total_hours == 19.0


def test_a_detailed_area_project_comes_after_its_last_needed_unit(curriculum: Curriculum) -> None:
    integral = "mathematics-and-statistics/calculus/integral-calculus"
    plan = make_plan(curriculum, "calculus", [integral], set(), 10, 6, START)
    kinds = [(i.kind, i.topic_id) for i in flat(plan) if i.kind != "review"]
    assert kinds[-1] == ("project", "mathematics-and-statistics")
    assert kinds[-2] == ("learn", integral)
    project = flat(plan)[-1]
    assert project.path == ("2 Mathematics and Statistics",)
    assert project.hours == 3.6  # 15% of the phase's 24 h


def test_a_project_shrinks_to_what_a_week_holds(curriculum: Curriculum) -> None:
    # 15% of the 24 h phase is 3.6 h, but a 3 h week holds 2.5 h besides its review.
    integral = "mathematics-and-statistics/calculus/integral-calculus"
    plan = make_plan(curriculum, "calculus", [integral], set(), 3, 20, START)
    project = flat(plan)[-1]
    assert (project.kind, project.hours) == ("project", 2.5)
    assert plan.unscheduled == []


def test_what_does_not_fit_is_listed(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 3, 1, START)
    assert [(w.week, w.hours) for w in plan.weeks] == [(1, 3.0)]
    assert plan.unscheduled == [(CORE_LANGUAGES, "Core Languages", 27.0)]
    assert plan.to_json()["unscheduled"] == [
        {"topic_id": CORE_LANGUAGES, "title": "Core Languages", "hours": 27.0}
    ]


def test_known_units_are_skipped(curriculum: Curriculum) -> None:
    integral = "mathematics-and-statistics/calculus/integral-calculus"
    differential = "mathematics-and-statistics/calculus/differential-calculus"
    plan = make_plan(curriculum, "calculus", [integral], {differential}, 10, 2, START)
    assert {i.topic_id for i in flat(plan) if i.kind == "learn"} == {integral}


@pytest.mark.parametrize(
    ("hours", "weeks", "targets", "message"),
    [
        (0, 8, [CORE_LANGUAGES], "hours per week must be at least 0.1"),
        (-3, 8, [CORE_LANGUAGES], "hours per week must be at least 0.1"),
        (0.05, 8, [CORE_LANGUAGES], "hours per week"),  # under the planner's 0.1 h step: nothing fits
        (6, 0, [CORE_LANGUAGES], "at least one week"),
        (6, -2, [CORE_LANGUAGES], "at least one week"),
        (6, 8, [], "matches no topic"),
    ],
    ids=["zero-hours", "negative-hours", "under-a-tenth", "zero-weeks", "negative-weeks", "no-targets"],
)
def test_impossible_requests_raise(
    curriculum: Curriculum, hours: float, weeks: int, targets: list[str], message: str
) -> None:
    with pytest.raises(TutorError, match=message):
        make_plan(curriculum, "g", targets, set(), hours, weeks, START)


def test_to_json_matches_the_contract(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "mlops-engineer", [CORE_LANGUAGES], set(), 6, 2, START)
    data = plan.to_json()
    assert data == {
        "goal": "mlops-engineer",
        "targets": [CORE_LANGUAGES],
        "weeks": [
            {
                "week": 1,
                "start": "2027-01-04",
                "hours": 6.0,
                "items": [
                    {
                        "topic_id": CORE_LANGUAGES,
                        "title": "Core Languages",
                        "path": [
                            "1 Programming and Software Engineering",
                            "1. Programming Languages",
                            "Core Languages",
                        ],
                        "hours": 6.0,
                        "kind": "learn",
                    }
                ],
            },
            {
                "week": 2,
                "start": "2027-01-11",
                "hours": 6.0,
                "items": [
                    {
                        "topic_id": CORE_LANGUAGES,
                        "title": "Review: Core Languages",
                        "path": [
                            "1 Programming and Software Engineering",
                            "1. Programming Languages",
                            "Core Languages",
                        ],
                        "hours": 0.6,
                        "kind": "review",
                    },
                    {
                        "topic_id": CORE_LANGUAGES,
                        "title": "Core Languages",
                        "path": [
                            "1 Programming and Software Engineering",
                            "1. Programming Languages",
                            "Core Languages",
                        ],
                        "hours": 5.4,
                        "kind": "learn",
                    },
                ],
            },
        ],
        "unscheduled": [{"topic_id": CORE_LANGUAGES, "title": "Core Languages", "hours": 18.6}],
        "total_hours": 12.0,
    }
