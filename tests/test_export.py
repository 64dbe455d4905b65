"""app/plan/export.py and Plan.to_json: the JSON, the Markdown checklist and the .ics calendar of a plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from app.plan.curriculum import Curriculum
from app.plan.export import to_ics, to_markdown
from app.plan.schedule import Plan, make_plan
from app.plan.skills import SkillTree

START = date(2027, 1, 4)
INTEGRAL = "mathematics-and-statistics/calculus/integral-calculus"
CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"


@pytest.fixture(scope="module")
def curriculum(real_roadmap: Path) -> Curriculum:
    return Curriculum.load(SkillTree.from_file(real_roadmap))


def plan_of(curriculum: Curriculum, hours_per_week: float, weeks: int = 5) -> Plan:
    """Learn, essentials, review and project items; at 7.5 h for 4 weeks, the fast track, with
    something that does not fit and some optional deepening."""
    targets = ["domain-knowledge", "soft-skills", INTEGRAL]
    return make_plan(curriculum, "my goal", targets, set(), hours_per_week, weeks, START)


@pytest.fixture(scope="module")
def plan(curriculum: Curriculum) -> Plan:
    return plan_of(curriculum, 7.5, 4)


def test_the_plan_has_every_kind_of_item(plan: Plan) -> None:
    kinds = {i.kind for w in plan.weeks for i in w.items}
    assert kinds == {"learn", "essentials", "review", "project"}
    # The checklist's "did not fit" and "optional deepening" parts are exercised too.
    assert {x.kind for x in plan.unscheduled} >= {"learn", "deepening"}


def test_markdown_has_one_checkbox_per_item(plan: Plan) -> None:
    lines = to_markdown(plan).splitlines()
    assert lines[0] == "# Study plan: my goal"
    assert lines[2] == f"4 weeks at up to 7.5 h/week, {plan.total_hours:g} h in all."
    boxes = [line for line in lines if line.startswith("- [ ] ")]
    items = [i for w in plan.weeks for i in w.items]
    assert len(boxes) == len(items)
    for line, item in zip(boxes, items):
        assert item.title in line
        assert f"({item.hours:g} h)" in line
        assert line.endswith(" — " + " › ".join(item.path))
        assert ("(review)" in line) == (item.kind == "review")
        assert ("(project)" in line) == (item.kind == "project")
        if item.kind in ("learn", "essentials"):
            assert f"h): {'; '.join(item.covers)} — " in line  # the week's sub-topics
    where = "Essential skills for an AI engineer › 7. Domain Knowledge"
    assert boxes[0] == f"- [ ] Domain Knowledge (7.5 h): Domain knowledge — {where}"
    headings = [line for line in lines if line.startswith("## Week ")]
    assert headings[0] == "## Week 1 (from 2027-01-04, 7.5 h, toward Domain Knowledge)"
    assert len(headings) == len(plan.weeks)
    # What the goal takes comes first, then the goal topics.
    assert plan.feasibility.summary(7.5, 4) in lines
    assert "Goal topics: Domain Knowledge, Soft Skills, Integral Calculus." in lines


def test_markdown_lists_what_did_not_fit(plan: Plan) -> None:
    text = to_markdown(plan, summary="Start with the overview.")
    assert "\nStart with the overview.\n" in text
    tail = text.split("## Did not fit\n\n", 1)[1]
    missed, optional = tail.split("\n## Optional deepening\n\n", 1)
    assert missed.splitlines() == [
        f"- {x.title} ({x.hours:g} h) — {' › '.join(plan.paths[x.topic_id])}"
        for x in plan.unscheduled
        if x.kind != "deepening"
    ]
    assert optional.splitlines()[2:] == [
        f"- {x.title} ({x.hours:g} h) — {' › '.join(plan.paths[x.topic_id])}"
        for x in plan.unscheduled
        if x.kind == "deepening"
    ]
    assert "- [ ]" not in tail  # unscheduled topics are not checklist items


def events_of(plan: Plan) -> list:
    calendar = Calendar.from_ical(to_ics(plan))
    assert str(calendar["x-wr-calname"]) == f"Study plan: {plan.goal}"
    return list(calendar.walk("VEVENT"))


@pytest.mark.parametrize(("hours_per_week", "weeks"), [(3, 12), (7.5, 5), (8, 6), (13.3, 6), (20, 4)])
def test_ics_sessions_add_up_to_each_week(curriculum: Curriculum, hours_per_week: float, weeks: int) -> None:
    plan = plan_of(curriculum, hours_per_week, weeks)
    events = events_of(plan)
    spans = []
    for event in events:
        begin, end = event.decoded("dtstart"), event.decoded("dtend")
        assert isinstance(begin, datetime) and begin.tzinfo is None  # floating local time
        assert end > begin
        spans.append((begin, end))
    for week in plan.weeks:
        first = datetime.combine(week.start, datetime.min.time())
        mine = [(b, e) for b, e in spans if first <= b < first + timedelta(days=7)]
        assert mine, week.week
        minutes = sum((e - b).total_seconds() / 60 for b, e in mine)
        assert minutes == pytest.approx(week.hours * 60), week.week
        assert all(b >= first for b, _ in mine)
    # Every event belongs to one week, and no two sessions overlap.
    assert len(spans) == sum(
        1 for b, _ in spans for w in plan.weeks if w.start <= b.date() < w.start + timedelta(days=7)
    )
    spans.sort()
    for (_, end), (begin, _) in zip(spans, spans[1:]):
        assert end <= begin
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_ics_sessions_are_evenings_of_at_most_two_hours_when_the_week_allows(plan: Plan) -> None:
    events = events_of(plan)
    week_one = [e for e in events if "Study week 1," in str(e["summary"])]
    # 7.5 h: four sessions of 1 h 53 min or less, from the week's first day at 18:00.
    assert [e.decoded("dtstart") for e in week_one] == [datetime(2027, 1, 4 + n, 18, 0) for n in range(4)]
    assert all(e.decoded("dtend") - e.decoded("dtstart") <= timedelta(hours=2) for e in week_one)
    assert "Domain Knowledge (7.5 h)" in str(week_one[0]["description"])


def test_to_json_matches_the_contract(curriculum: Curriculum) -> None:
    plan = make_plan(curriculum, "mlops-engineer", [CORE_LANGUAGES], set(), 6, 2, START)
    data = plan.to_json()
    path = ["1 Programming and Software Engineering", "1. Programming Languages", "Core Languages"]
    # The keys every consumer relies on, with their meaning unchanged...
    assert data["goal"] == "mlops-engineer" and data["targets"] == [CORE_LANGUAGES]
    assert [(w["week"], w["start"], w["hours"]) for w in data["weeks"]] == [
        (1, "2027-01-04", 6.0),
        (2, "2027-01-11", 6.0),
    ]
    items = [
        {k: i[k] for k in ("topic_id", "title", "path", "hours", "kind")}
        for w in data["weeks"]
        for i in w["items"]
    ]
    assert items == [
        {"topic_id": CORE_LANGUAGES, "title": "Core Languages", "path": path, "hours": 6.0, "kind": "learn"},
        {
            "topic_id": CORE_LANGUAGES,
            "title": "Review: Core Languages",
            "path": path,
            "hours": 0.6,
            "kind": "review",
        },
        {"topic_id": CORE_LANGUAGES, "title": "Core Languages", "path": path, "hours": 5.4, "kind": "learn"},
    ]
    assert [{k: u[k] for k in ("topic_id", "title", "hours")} for u in data["unscheduled"]] == [
        {"topic_id": CORE_LANGUAGES, "title": "Core Languages", "hours": 18.6}
    ]
    assert data["total_hours"] == 12.0
    # ... and what was added: the route, what the goal takes, each week's aim, sub-topics and check.
    assert (data["mode"], data["goals"], data["focus"]) == ("fast-track", [CORE_LANGUAGES], [])
    assert data["feasibility"]["full_path_hours"] > 30 and data["feasibility"]["mode"] == "fast-track"
    first = data["weeks"][0]
    assert first["serves"] == [CORE_LANGUAGES]
    assert first["items"][0]["covers"] == [
        "Python data types",
        "Control structures",
        "Object-oriented programming",
    ]
    assert first["items"][0]["topics"] == [f"{CORE_LANGUAGES}/python"]
    assert first["items"][0]["serves"] == CORE_LANGUAGES
    assert set(first["checkpoint"]) == {"text", "answer", "about"}
    assert data["unscheduled"][0]["kind"] == "learn"
