"""app/plan/schedule.py and weeks.py: the weekly plan, checked by properties over generated requests
and by examples.

The planner works on the real roadmap and curriculum only; it needs no index and no model. The
route (full path or fast track) has its own tests in test_route.py; what the full path takes, in
test_feasibility.py.
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
from app.plan.route import Router
from app.plan.schedule import Item, Plan, make_plan
from app.plan.skills import SkillTree
from evals import scorers
from evals.suites import plan_rules

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
    known: frozenset[str]  # unit and topic ids
    hours_per_week: float
    weeks: int
    start: date
    focus: tuple[str, ...] = ()  # topic ids the goal names

    @classmethod
    def track(cls, track_id: str, hours_per_week: float, weeks: int) -> Request:
        return cls(track_id, (), frozenset(), hours_per_week, weeks, START)

    @property
    def targets(self) -> list[str]:
        return list(self.units) if self.units else list(shipped().tracks[self.goal].targets)

    def plan(self) -> Plan:
        return make_plan(
            shipped(),
            self.goal,
            self.targets,
            self.known,
            self.hours_per_week,
            self.weeks,
            self.start,
            focus=self.focus,
        )


@st.composite
def _requests(draw: st.DrawFn) -> Request:
    """A track or 1-3 units as the goal (perhaps naming topics of them), some known units,
    3-20 h/week (fractional too), 4-26 weeks."""
    curriculum = shipped()
    units = [u.id for u in curriculum.tree.units]
    if draw(st.booleans()):
        goal, chosen = draw(st.sampled_from(sorted(curriculum.tracks))), ()
    else:
        chosen = tuple(draw(st.lists(st.sampled_from(units), min_size=1, max_size=3)))
        goal = ", ".join(chosen)
    topics = [n.id for n in curriculum.tree.nodes.values() if n.kind == "topic"]
    known = draw(st.frozensets(st.sampled_from(units), max_size=40))
    known |= draw(st.frozensets(st.sampled_from(topics), max_size=30))
    hours = draw(
        st.one_of(
            st.integers(3, 20).map(float),
            st.integers(6, 40).map(lambda halves: halves / 2),
            st.floats(3, 20, allow_nan=False, allow_infinity=False),
        )
    )
    weeks = draw(st.integers(4, 26))
    start = draw(st.dates(date(2024, 1, 1), date(2032, 12, 31)))
    own = sorted(t for u in chosen for t in curriculum.syllabus.topics(u) if t != u)
    focus = tuple(draw(st.lists(st.sampled_from(own), max_size=2, unique=True))) if own else ()
    return Request(goal, chosen, known, hours, weeks, start, focus)


REQUESTS = st.deferred(_requests)  # built on first draw: no roadmap parsing at import


def flat(plan: Plan) -> list[Item]:
    return [item for week in plan.weeks for item in week.items]


def learned_hours(plan: Plan) -> dict[str, float]:
    """Hours of each unit's course and essentials together."""
    hours: dict[str, float] = defaultdict(float)
    for item in flat(plan):
        if item.kind in ("learn", "essentials"):
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
@example(request=Request.track("mlops-engineer", 10, 16))
def test_plans_keep_their_invariants(request: Request) -> None:
    plan = request.plan()
    curriculum = shipped()
    tree = curriculum.tree
    items = flat(plan)
    known_topics = {t for node in request.known for t in curriculum.topics_of(node)}
    router = Router(curriculum, known_topics, plan.focus)
    needed = router.needed(request.targets)
    if not plan.focus:
        assert needed == curriculum.closure(set(request.targets), router.known_units)  # stops at known units
    # A focused unit is its focus topics alone; it is kept only where no other target needs it whole.
    for unit, topics in plan.focus.items():
        assert {p.topic for p in router.course(unit)} <= set(topics)
        others = {p for t in request.targets if t != unit for p in curriculum.prerequisites[t]}
        assert unit not in curriculum.closure(others)
    owed = {u: sum(p.tenths for p in router.course(u)) / 10 for u in needed}
    learned = learned_hours(plan)
    left: dict[str, float] = defaultdict(float)
    for leftover in plan.unscheduled:
        left[leftover.topic_id] += leftover.hours
    node_paths = {node.path for node in tree.nodes.values()}

    # Only needed units are learned, nothing known is, and every needed unit is learned or listed.
    assert set(learned) <= needed
    for item in items:
        if item.kind in ("learn", "essentials"):
            assert not set(item.topics) & known_topics, item
    for unit in needed:
        if owed[unit]:
            assert learned.get(unit, 0.0) + left.get(unit, 0.0) == pytest.approx(owed[unit]), unit
    for target in set(request.targets) & needed:
        assert learned.get(target, 0.0) == pytest.approx(owed[target]) or target in left
    # The full path when it fits: then nothing is left over.
    assert (plan.mode == "full") == (not plan.unscheduled)
    assert plan.feasibility is not None and plan.feasibility.mode == plan.mode

    # Order: nothing starts before what it needs is ready (known, its essentials or its course done).
    data = plan.to_json()
    rules = plan_rules(curriculum, set(request.known), plan.focus)
    assert scorers.plan_violations(data["weeks"], rules, request.hours_per_week) == {
        "budget": 0,
        "prerequisite": 0,
        "known": 0,
    }

    # Every item points into the tree; projects close an area whose scheduled units are all done.
    done: dict[str, float] = defaultdict(float)
    for item in items:
        assert item.path in node_paths, item
        assert item.topic_id in tree and tree[item.topic_id].path == item.path
        assert item.hours > 0
        if item.kind in ("learn", "essentials"):
            done[item.topic_id] += item.hours
            assert item.covers and item.topics, item
        if item.kind == "review":
            assert tree[item.topic_id].unit and item.title == f"Review: {tree.label(item.topic_id)}"
        if item.kind == "project":
            area = tree[item.topic_id]
            assert area.kind == "area" and item.title == f"Project: {area.title}"
    projects = [i.topic_id for i in items if i.kind == "project"]
    assert len(projects) == len(set(projects))

    assert plan.total_hours == pytest.approx(sum(w.hours for w in plan.weeks))
    assert data["total_hours"] == plan.total_hours
    assert data == request.plan().to_json()  # deterministic


@PROPERTIES
@given(request=REQUESTS)
@example(request=Request.track("llm-application-engineer", 8, 12))  # had 0.1 h, 0.3 h and 0.4 h parts
def test_no_week_holds_a_sliver_of_a_split_step(request: Request) -> None:
    parts: dict[tuple[str, str], list[float]] = defaultdict(list)  # a step's parts, week by week
    for item in (i for i in flat(request.plan()) if i.kind in ("learn", "essentials")):
        parts[(item.topic_id, item.kind)].append(item.hours)
    assert all(min(hours) >= 0.5 for hours in parts.values() if len(hours) > 1), parts


# --- examples ---------------------------------------------------------------------------


def test_a_long_unit_continues_over_consecutive_weeks(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 6, 8, START)
    assert plan.mode == "full"
    learn = [(w.week, i.hours) for w in plan.weeks for i in w.items if i.kind == "learn"]
    assert learn == [(1, 6.0), (2, 5.4), (3, 5.4), (4, 5.4), (5, 5.4), (6, 2.4)]
    assert sum(h for _, h in learn) == pytest.approx(curriculum.hours[CORE_LANGUAGES])
    assert plan.unscheduled == []


def test_a_long_unit_names_different_sub_topics_each_week(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "python", [CORE_LANGUAGES], set(), 6, 8, START)
    covers = [i.covers for i in flat(plan) if i.kind == "learn"]
    names = [p.name for p in curriculum.syllabus.pieces(CORE_LANGUAGES)]
    # Week by week through the unit's pieces in order; a piece split over two weeks shows in both.
    assert covers[0] == ("Python data types", "Control structures", "Object-oriented programming")
    assert covers[1][0] == "Object-oriented programming"
    assert len(set(covers)) == len(covers)
    assert list(dict.fromkeys(n for c in covers for n in c)) == names
    # Each week's checkpoint asks about something that week covers, and none repeats.
    checkpoints = [w.checkpoint for w in plan.weeks if w.checkpoint and w.checkpoint.answer]
    assert len({c.text for c in checkpoints}) == len(checkpoints) >= 5
    for week in plan.weeks[:6]:
        covered = {n for i in week.items if i.kind == "learn" for n in i.covers}
        assert week.checkpoint is not None and week.checkpoint.about in covered
        piece = next(p for p in curriculum.syllabus.pieces(CORE_LANGUAGES) if p.name == week.checkpoint.about)
        assert (week.checkpoint.text, week.checkpoint.answer) in piece.checks


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


def test_a_project_without_room_opens_the_next_week_and_the_next_unit_fills_the_gap(
    curriculum: Curriculum,
) -> None:
    # 8 h of Domain Knowledge leave 1 h of a 9 h week: too little for its 2 h project, so
    # Soft Skills starts in that hour and the project opens week two, after the review.
    plan = make_plan(curriculum, "g", ["domain-knowledge", "soft-skills"], set(), 9, 4, START)
    first = [(i.kind, i.topic_id, i.hours) for i in plan.weeks[0].items]
    assert first == [("learn", "domain-knowledge", 8.0), ("learn", "soft-skills", 1.0)]
    second = [(i.kind, i.topic_id) for i in plan.weeks[1].items]
    assert second[:3] == [
        ("review", "soft-skills"),
        ("project", "domain-knowledge"),
        ("learn", "soft-skills"),
    ]
    assert plan.weeks[0].hours == 9.0
    assert plan.unscheduled == []


def test_a_detailed_area_project_comes_after_its_last_needed_unit(curriculum: Curriculum) -> None:
    integral = "mathematics-and-statistics/calculus/integral-calculus"
    plan = make_plan(curriculum, "calculus", [integral], set(), 10, 6, START)
    kinds = [(i.kind, i.topic_id) for i in flat(plan) if i.kind != "review"]
    assert kinds[-1] == ("project", "mathematics-and-statistics")
    # Goal first: integral calculus after differential calculus's essentials, the rest of it after.
    assert kinds.index(("learn", integral)) < kinds.index(
        ("learn", "mathematics-and-statistics/calculus/differential-calculus")
    )
    assert kinds[-2][0] == "learn"
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
    assert plan.mode == "fast-track"
    assert plan.unscheduled == [(CORE_LANGUAGES, "Core Languages", 27.0, "learn")]
    assert plan.to_json()["unscheduled"] == [
        {"topic_id": CORE_LANGUAGES, "title": "Core Languages", "hours": 27.0, "kind": "learn"}
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
