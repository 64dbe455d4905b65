"""app/web/plan_tab.py: the Study plan tab's form, table and exports, without a server.

The real planner over the shipped roadmap (no index, no model); `PlanTab.make`
is called as Gradio would call it, with the form's values.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from app.core.errors import TutorError
from app.plan.planner import PlanRequest, StudyPlanner
from app.plan.schedule import Plan
from app.web.markup import WARNING
from app.web.plan_tab import (
    CHOOSE,
    HEADERS,
    ICS_NAME,
    KEEP_FILES_S,
    MD_NAME,
    PlanResult,
    PlanTab,
    plan_request,
    plan_rows,
    topic_choices,
    write_exports,
)

TODAY = date(2027, 1, 1)  # a Friday: plans start Monday 2027-01-04
SCRIPT = "<script>alert(1)</script>"


class FirstTrackEmbedder:
    """Every text on an axis of its own and every query on the first track's: free text names that track."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.size = len(texts)
        return [[float(i == j) for j in range(len(texts))] for i in range(len(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [1.0] + [0.0] * (self.size - 1)


@pytest.fixture
def planner(make_settings: Callable[..., Any], real_roadmap: Path) -> StudyPlanner:
    """The real planner over the shipped roadmap, with an embedder that sends free text to one track."""
    from app.wiring import build_study_planner

    # The fixture curriculum is not the one seeds/curriculum.yaml describes, so the real roadmap.
    return build_study_planner(make_settings(seeds=[real_roadmap]), FirstTrackEmbedder())


@pytest.fixture
def plan(planner: StudyPlanner) -> Plan:
    return planner.plan(PlanRequest("mlops-engineer", 7.5, weeks=6), today=TODAY)


@pytest.fixture
def temp_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where `tempfile` makes folders during this test."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


# --- plan_request -------------------------------------------------------------------------


def test_plan_request_reads_the_form() -> None:
    request = plan_request("  mlops-engineer ", ["Docker"], 7.5, 12.0, "", "2027-01-04")

    assert request == PlanRequest(
        goal="mlops-engineer",
        hours_per_week=7.5,
        weeks=12,
        until=None,
        start=date(2027, 1, 4),
        known=("Docker",),
    )
    assert isinstance(request.weeks, int)


def test_plan_request_end_date_wins_over_weeks(planner: StudyPlanner) -> None:
    request = plan_request("mlops-engineer", None, 8, 12, " 2027-03-01 ", None)

    assert (request.weeks, request.until, request.known) == (None, date(2027, 3, 1), ())
    # So the planner gets one duration, not two it would refuse.
    assert len(planner.plan(request, today=TODAY).weeks) <= 8


@pytest.mark.parametrize("start", ["", "   ", None])
def test_plan_request_empty_start_is_not_given(start: str | None) -> None:
    assert plan_request("mlops-engineer", [], 8, 12, "", start).start is None


@pytest.mark.parametrize(
    ("until", "start", "message"),
    [
        ("2027-02-30", "", "end date '2027-02-30' is not a date: use YYYY-MM-DD"),
        ("", "04/01/2027", "start date '04/01/2027' is not a date: use YYYY-MM-DD"),
    ],
    ids=["end", "start"],
)
def test_plan_request_rejects_a_bad_date(until: str, start: str, message: str) -> None:
    with pytest.raises(TutorError) as raised:
        plan_request("mlops-engineer", [], 8, 12, until, start)

    assert str(raised.value) == message


def test_plan_request_needs_hours() -> None:
    with pytest.raises(TutorError, match="hours you can study per week"):
        plan_request("mlops-engineer", [], None, 12, "", "")


# --- topic_choices and plan_rows -----------------------------------------------------------


def test_topic_choices_are_unique_breadcrumbs_of_real_ids(planner: StudyPlanner) -> None:
    tree = planner.tree
    choices = topic_choices(tree)
    labels = [label for label, _ in choices]
    values = [value for _, value in choices]

    assert len(set(labels)) == len(labels)
    assert all(value in tree for value in values)
    assert all(label.split(" › ")[-1] == tree[value].title for label, value in choices)
    # Titles repeat across the roadmap; the breadcrumbs tell them apart.
    assert len({tree[value].title for value in values}) < len(values)
    # Single topics can be marked known too, and are credited alone.
    python = "programming-and-software-engineering/programming-languages/core-languages/python"
    assert python in values and planner.known((python,)) == {python}
    # Every choice is accepted as known, and together they cover every unit.
    known = planner.known(tuple(values))
    assert {unit.id for unit in tree.units} <= known


def test_plan_rows_one_row_per_item_adding_up_to_each_week(plan: Plan) -> None:
    rows = plan_rows(plan)

    assert len(rows) == sum(len(week.items) for week in plan.weeks) > len(plan.weeks)
    assert all(len(row) == len(HEADERS) for row in rows)
    by_week = {week: [row for row in group] for week, group in groupby(rows, key=lambda row: row[0])}
    assert sorted(by_week) == [week.week for week in plan.weeks]
    for week in plan.weeks:
        assert sum(row[2] for row in by_week[week.week]) == pytest.approx(week.hours)
        assert {row[1] for row in by_week[week.week]} == {week.start.isoformat()}
        assert all(row[2] <= plan.hours_per_week for row in by_week[week.week])
    first = plan.weeks[0].items[0]
    assert rows[0][3:] == [
        first.kind,
        first.title,
        "; ".join(first.covers),
        plan.label(first.serves),
        " › ".join(first.path),
    ]
    assert rows[0][5] and rows[0][6]  # what the week covers, and the goal topic it leads to


# --- exports --------------------------------------------------------------------------------


def test_write_exports_writes_the_checklist_and_a_calendar_that_parses(plan: Plan, tmp_path: Path) -> None:
    markdown, calendar = write_exports(plan, {1: "What does a container image hold?"}, tmp_path, "In short.")

    assert (markdown, calendar) == (tmp_path / MD_NAME, tmp_path / ICS_NAME)
    checklist = markdown.read_text(encoding="utf-8")
    assert checklist.startswith("# Study plan: mlops-engineer\n")
    assert "In short." in checklist and "> What does a container image hold?" in checklist
    events = Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert {event.decoded("dtstart").date() for event in events} >= {w.start for w in plan.weeks}
    minutes = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() / 60 for e in events)
    assert minutes == pytest.approx(plan.total_hours * 60)


def outputs(result: tuple) -> dict[str, Any]:
    names = [
        "header",
        "alternatives",
        "picture",
        "tips",
        "rows",
        "checklist",
        "calendar",
        "summary",
        "choice",
        "result",
    ]
    assert len(result) == len(names)
    return dict(zip(names, result, strict=True))


def test_the_deepen_box_fills_the_weeks_after_the_goal(planner: StudyPlanner, temp_root: Path) -> None:
    tab = PlanTab(planner)
    listed = outputs(tab.make("Kubernetes", [], 6, 12, "", "2027-01-04"))
    deepened = outputs(tab.make("Kubernetes", [], 6, 12, "", "2027-01-04", deepen=True))
    assert len(listed["result"].plan.weeks) < len(deepened["result"].plan.weeks) == 12
    assert "Optional deepening after the goal" in listed["header"]
    assert "weeks (of the 12 you gave) from 2027-01-04" in listed["header"]
    assert "while the weeks last" in deepened["header"] and "you gave" not in deepened["header"]
    # The alternatives that fit the learner's weeks are for the 12 weeks asked, not the plan's own.
    weeks_row = next(r for r in listed["alternatives"].splitlines() if r.startswith("| weeks |"))
    assert weeks_row.split(" | ")[3] == "12"  # More hours


def test_make_shows_the_plan_and_writes_both_files_to_one_fresh_folder(
    planner: StudyPlanner, temp_root: Path
) -> None:
    tab = PlanTab(planner)

    first = outputs(tab.make("mlops-engineer", [], 8, 4, "", "2027-01-04"))
    second = outputs(tab.make("mlops-engineer", [], 8, 4, "", "2027-01-04"))

    assert first["header"].startswith("**mlops-engineer**: 4 weeks from 2027-01-04, 32 h at up to 8 h")
    plan = first["result"].plan
    assert "The full path is " in first["header"] and "fast track" in first["header"]
    assert "Goal topics (★ in the timeline): " in first["header"]
    # The alternatives side by side: this plan, more weeks, more hours, the goal topics alone.
    table = first["alternatives"].splitlines()
    assert table[0].startswith("| | This plan | More weeks | More hours | Goal topics")
    assert (
        table[3]
        == "| weeks | 4 | " + f"{plan.feasibility.full_path_weeks} | 4 | {plan.feasibility.goal_weeks} | 4 |"
    )
    assert first["picture"]["visible"] and first["picture"]["value"].axes
    assert first["choice"]["visible"] is False
    assert first["rows"] and first["rows"][0][:2] == [1, "2027-01-04"]
    checklist, calendar = Path(first["checklist"]["value"]), Path(first["calendar"]["value"])
    assert first["checklist"]["visible"] and first["calendar"]["visible"]
    assert (checklist.name, calendar.name) == (MD_NAME, ICS_NAME)
    assert checklist.parent == calendar.parent
    assert checklist.parent.parent.parent == temp_root  # this page's folder, then this plan's
    assert sorted(p.name for p in checklist.parent.iterdir()) == sorted([MD_NAME, ICS_NAME])
    assert Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert isinstance(first["result"], PlanResult) and first["result"].folder == checklist.parent
    # Another request, another folder: sessions never share files.
    assert Path(second["checklist"]["value"]).parent != checklist.parent
    assert len(list(checklist.parent.parent.iterdir())) == 2 and len(list(temp_root.iterdir())) == 1


def test_old_plan_files_are_removed_when_a_new_plan_is_made(planner: StudyPlanner, temp_root: Path) -> None:
    tab = PlanTab(planner)
    first = Path(outputs(tab.make("mlops-engineer", [], 8, 4, "", "2027-01-04"))["checklist"]["value"]).parent
    recent = Path(
        outputs(tab.make("mlops-engineer", [], 8, 4, "", "2027-01-04"))["checklist"]["value"]
    ).parent
    old = time.time() - KEEP_FILES_S - 60
    os.utime(first, (old, old))
    newest = Path(
        outputs(tab.make("mlops-engineer", [], 8, 4, "", "2027-01-04"))["checklist"]["value"]
    ).parent
    assert not first.exists() and recent.exists() and newest.exists()


def assert_nothing_made(out: dict[str, Any], temp_root: Path) -> None:
    """One warning line, no table, hidden downloads, nothing on disk."""
    assert out["header"].startswith(WARNING)
    assert "\n" not in out["header"]
    assert (out["alternatives"], out["tips"], out["rows"], out["summary"], out["result"]) == (
        "",
        "",
        [],
        "",
        None,
    )
    for hidden in (out["checklist"], out["calendar"], out["picture"]):
        assert (hidden["value"], hidden["visible"]) == (None, False)
    assert out["choice"]["visible"] is False
    assert list(temp_root.iterdir()) == []


def test_make_with_zero_hours_gives_one_warning_and_no_files(planner: StudyPlanner, temp_root: Path) -> None:
    out = outputs(PlanTab(planner).make("mlops-engineer", [], 0, 12, "", ""))

    assert_nothing_made(out, temp_root)
    assert "hours per week must be at least 0.1" in out["header"]


def test_make_escapes_what_the_learner_typed_in_a_warning(planner: StudyPlanner, temp_root: Path) -> None:
    out = outputs(PlanTab(planner).make("mlops-engineer", [], 8, 12, f"2027-01-{SCRIPT}", ""))

    assert_nothing_made(out, temp_root)
    assert "<" not in out["header"]
    assert "&lt;script&gt;" in out["header"]


def test_make_escapes_the_goal_in_the_header(planner: StudyPlanner, temp_root: Path) -> None:
    out = outputs(PlanTab(planner).make(f"{SCRIPT} [x](http://e.com)", [], 8, 4, "", ""))

    assert "<" not in out["header"]
    assert out["header"].startswith(
        "**&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\[x\\]\\(http\\:\\/\\/e.com\\)**: "
    )
    assert out["rows"]


def test_make_logs_an_unexpected_error_and_shows_one_line(
    planner: StudyPlanner, temp_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(request: PlanRequest, today: date | None = None) -> Plan:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(planner, "plan", broken)

    out = outputs(PlanTab(planner).make("mlops-engineer", [], 8, 12, "", ""))

    assert_nothing_made(out, temp_root)
    assert "secret" not in out["header"]
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


class SecurityEmbedder(FirstTrackEmbedder):
    """Never asked: "security" is a title three areas share, so the planner asks before embedding."""


def test_make_asks_which_reading_an_unclear_goal_means(planner: StudyPlanner, temp_root: Path) -> None:
    out = outputs(PlanTab(planner).make("security", [], 8, 4, "", ""))

    assert out["header"] == CHOOSE
    assert out["choice"]["visible"] is True
    ids = [value for _, value in out["choice"]["choices"]]
    assert "data-engineering/security-and-privacy" in ids and len(ids) == 3
    assert out["rows"] == [] and out["result"] is None
    assert list(temp_root.iterdir()) == []
    # Picking one plans it: its id is a goal the planner takes outright.
    picked = outputs(PlanTab(planner).make(ids[0], [], 8, 4, "", ""))
    assert picked["rows"] and picked["choice"]["visible"] is False
