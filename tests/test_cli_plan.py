"""app/cli.py: `tutor topics` and `tutor plan` over the shipped roadmap and curriculum (no index needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.resources import seeds_dir

GOAL_ARGS = ["plan", "--goal", "mlops-engineer"]
PLAN_ARGS = [*GOAL_ARGS, "--hours-per-week", "6", "--weeks", "8", "--start", "2027-01-04"]


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


# --- topics and plan: the real roadmap and curriculum, no index needed ---------------------


@pytest.fixture(scope="module")
def shipped_curriculum():
    from app.plan.curriculum import Curriculum
    from app.plan.skills import SkillTree

    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


def test_topics_json(tutor_cli, tmp_path: Path, shipped_curriculum) -> None:
    home = tmp_path / "home"
    result = tutor_cli("topics", "--json", home=home, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    got = records(result.stdout)
    tree = shipped_curriculum.tree
    assert [r["id"] for r in got] == list(tree.nodes)
    ids = {r["id"] for r in got}
    units = {u.id for u in tree.units}
    for r in got:
        assert set(r) == {"id", "title", "path", "parent", "prerequisites", "hours"}
        assert isinstance(r["id"], str) and isinstance(r["title"], str) and r["title"]
        assert isinstance(r["path"], list) and r["path"] and all(isinstance(p, str) for p in r["path"])
        assert r["parent"] is None or r["parent"] in ids
        assert isinstance(r["prerequisites"], list) and set(r["prerequisites"]) <= units
        assert isinstance(r["hours"], int | float) and not isinstance(r["hours"], bool)
        if r["id"] in units:
            assert r["hours"] == shipped_curriculum.hours[r["id"]]
            assert r["prerequisites"] == sorted(shipped_curriculum.prerequisites[r["id"]])
    by_id = {r["id"]: r for r in got}
    assert by_id["mathematics-and-statistics/information-theory"] == {
        "id": "mathematics-and-statistics/information-theory",
        "title": "Information Theory",
        "path": ["2 Mathematics and Statistics", "8. Information Theory"],
        "parent": "mathematics-and-statistics",
        "prerequisites": ["mathematics-and-statistics/probability-theory/core-concepts"],
        "hours": 6.0,
    }
    kl = by_id["mathematics-and-statistics/information-theory/kl-divergence"]
    assert (kl["parent"], kl["prerequisites"], kl["hours"]) == (
        "mathematics-and-statistics/information-theory",
        [],
        0,
    )
    calculus = by_id["mathematics-and-statistics/calculus"]  # a section: the sum of its units
    assert calculus["hours"] == 24.0 and calculus["prerequisites"] == []
    assert not home.exists()  # topics stores nothing


def test_topics_plain(tutor_cli, tmp_path: Path) -> None:
    result = tutor_cli("topics", home=tmp_path / "home", timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  Information Theory  (6 h)  [mathematics-and-statistics/information-theory]" in lines
    assert "      KL Divergence  [mathematics-and-statistics/information-theory/kl-divergence]" in lines


def test_plan_json_matches_the_contract(tutor_cli, tmp_path: Path, shipped_curriculum) -> None:
    home = tmp_path / "home"
    result = tutor_cli(*PLAN_ARGS, home=home, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    plan = json.loads(line)
    # The contract's keys, and those added since (the route, what the goal takes, the goal topics,
    # the topics a goal names in its units).
    assert set(plan) == {
        "goal",
        "targets",
        "weeks",
        "unscheduled",
        "total_hours",
        "mode",
        "feasibility",
        "goals",
        "focus",
    }
    assert plan["mode"] == "fast-track" and plan["goals"] == plan["targets"] and plan["focus"] == []
    assert plan["feasibility"]["full_path_hours"] > 48 and plan["feasibility"]["mode"] == "fast-track"
    assert plan["goal"] == "mlops-engineer"
    assert plan["targets"] == list(shipped_curriculum.tracks["mlops-engineer"].targets)
    assert [w["week"] for w in plan["weeks"]] == list(range(1, 9))
    assert [w["start"] for w in plan["weeks"]][:3] == ["2027-01-04", "2027-01-11", "2027-01-18"]
    for week in plan["weeks"]:
        assert set(week) == {"week", "start", "hours", "items", "serves", "checkpoint"}
        assert set(plan["targets"]) >= set(week["serves"]) and week["checkpoint"]["text"]
        assert isinstance(week["hours"], float) and 0 < week["hours"] <= 6
        assert week["hours"] == pytest.approx(sum(i["hours"] for i in week["items"]))
        for item in week["items"]:
            assert set(item) == {"topic_id", "title", "path", "hours", "kind", "topics", "covers", "serves"}
            assert item["topic_id"] in shipped_curriculum.tree
            assert item["path"] == list(shipped_curriculum.tree[item["topic_id"]].path)
            assert isinstance(item["title"], str) and isinstance(item["hours"], float)
            assert item["kind"] in {"learn", "essentials", "review", "project"}
    # Goal-first: the first week already works on a goal topic.
    assert any(i["topic_id"] in plan["targets"] for i in plan["weeks"][0]["items"])
    assert plan["unscheduled"]  # 48 h cannot cover the track and its prerequisites
    for left in plan["unscheduled"]:
        assert set(left) == {"topic_id", "title", "hours", "kind"}
        assert left["topic_id"] in shipped_curriculum.tree and left["hours"] > 0
    assert plan["total_hours"] == pytest.approx(sum(w["hours"] for w in plan["weeks"])) == 48.0
    assert not home.exists()  # planning needs no index and stores nothing


def test_plan_markdown(tutor_cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    plan = json.loads(tutor_cli(*PLAN_ARGS, home=home, timeout=60).stdout)
    result = tutor_cli(*PLAN_ARGS, "--format", "md", home=home, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Study plan: mlops-engineer"
    boxes = [line for line in lines if line.startswith("- [ ] ")]
    items = [i for w in plan["weeks"] for i in w["items"]]
    assert len(boxes) == len(items)
    first = plan["weeks"][0]["items"][0]
    covers, where = "; ".join(first["covers"]), " › ".join(first["path"])
    assert boxes[0] == f"- [ ] {first['title']} ({first['hours']:g} h): {covers} — {where}"
    assert lines[4].startswith("The full path is ")
    assert "## Did not fit" in lines
    assert any(line.startswith("> Check yourself: ") for line in lines)


def test_plan_ics_to_a_file(tutor_cli, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "plan.ics"
    result = tutor_cli(*PLAN_ARGS, "--format", "ics", "--out", str(out), home=tmp_path / "home", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr_lines == [f"wrote {out} (8 weeks, 48 h)"]
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len(events) == 8 * 3  # 6 h a week: three sessions of two hours
    minutes = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() / 60 for e in events)
    assert minutes == 48 * 60


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours-per-week", "0", "--weeks", "8"], "hours per week must be at least 0.1 (got 0)"),
        (["--hours-per-week", "-3", "--weeks", "8"], "hours per week must be at least 0.1 (got -3)"),
        (["--hours-per-week", "6", "--weeks", "0"], "the number of weeks must be at least 1 (got 0)"),
        (
            ["--hours-per-week", "6", "--until", "2027-01-01", "--start", "2027-01-04"],
            "the end date 2027-01-01 is not after the start 2027-01-04",
        ),
        (
            ["--hours-per-week", "6", "--until", "not-a-date"],
            "--until 'not-a-date' is not a date: use YYYY-MM-DD",
        ),
        (
            ["--hours-per-week", "6", "--weeks", "8", "--start", "04/01/2027"],
            "--start '04/01/2027' is not a date: use YYYY-MM-DD",
        ),
        (
            ["--hours-per-week", "6", "--weeks", "8", "--known", "Python", "Cooking"],
            "unknown topic 'Cooking': use an id or a title from 'tutor topics'",
        ),
    ],
    ids=[
        "zero-hours",
        "negative-hours",
        "zero-weeks",
        "until-before-start",
        "bad-until",
        "bad-start",
        "unknown-known",
    ],
)
def test_plan_mistakes_are_one_line_on_stderr(
    tutor_cli, tmp_path: Path, args: list[str], message: str
) -> None:
    result = tutor_cli(*GOAL_ARGS, *args, home=tmp_path / "home", timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr_lines == [f"tutor: error: {message}"]
    assert result.stdout == ""


@pytest.mark.slow  # a subprocess that loads the embedder to read the free-text goal
def test_plan_goal_matching_nothing(tutor_cli, tmp_path: Path) -> None:
    result = tutor_cli(
        "plan", "--goal", "zzzz qqqq", "--hours-per-week", "6", "--weeks", "8", home=tmp_path / "home"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr_lines == [
        "tutor: error: the goal 'zzzz qqqq' is not something the roadmap covers; "
        "name a track, topics, or a skill it lists"
    ]
    assert result.stdout == ""


def test_plan_goal_that_could_mean_several_things(tutor_cli, tmp_path: Path) -> None:
    # A title three areas share is asked about before any embedding: no model loads.
    result = tutor_cli(
        "plan", "--goal", "security", "--hours-per-week", "6", "--weeks", "8", home=tmp_path / "h"
    )
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr_lines
    assert line.startswith("tutor: error: the goal 'security' could mean several things: pick one of ")
    assert "[data-engineering/security-and-privacy]" in line and line.endswith("and name it as the goal")


def test_plan_known_topics_count_one_by_one(tutor_cli, tmp_path: Path) -> None:
    core = "programming-and-software-engineering/programming-languages/core-languages"
    args = ("plan", "--goal", core, "--hours-per-week", "10", "--weeks", "6", "--start", "2027-01-04")
    result = tutor_cli(*args, "--known", "Python", home=tmp_path / "h", timeout=60)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    covered = {t for w in plan["weeks"] for i in w["items"] for t in i["topics"]}
    assert covered and f"{core}/python" not in covered  # C++/Java, R and JavaScript are left
    assert plan["total_hours"] < 30


def test_plan_deepen_fills_the_weeks_after_the_goal(tutor_cli, tmp_path: Path) -> None:
    args = ("plan", "--goal", "Kubernetes", "--hours-per-week", "6", "--weeks", "12", "--start", "2027-01-04")
    listed = json.loads(tutor_cli(*args, home=tmp_path / "h", timeout=60).stdout)
    result = tutor_cli(*args, "--deepen", home=tmp_path / "h", timeout=60)
    assert result.returncode == 0, result.stderr
    deepened = json.loads(result.stdout)
    assert listed["mode"] == deepened["mode"] == "fast-track"
    assert len(listed["weeks"]) < len(deepened["weeks"]) == 12
    assert deepened["total_hours"] > listed["total_hours"]
