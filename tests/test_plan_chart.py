"""app/web/plan_chart.py: the plan as a timeline of weeks × topics, coloured by area, goal topics starred."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from matplotlib.colors import to_hex

from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.planner import StudyPlanner
from app.plan.schedule import Plan, make_plan
from app.plan.skills import SkillTree
from app.web.plan_chart import GOAL_MARK, area_colours, cells, rows, timeline

KUBERNETES = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
NETWORKING = "cloud-computing-and-mlops/cloud-infrastructure/networking"


@functools.cache
def shipped() -> Curriculum:
    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


@pytest.fixture(scope="module")
def plan() -> Plan:
    track = shipped().tracks["mlops-engineer"]
    known = StudyPlanner(shipped()).known(("Python", "Docker"))
    return make_plan(shipped(), "MLOps engineer", list(track.targets), known, 10, 16, date(2027, 1, 4))


def test_one_row_per_unit_in_the_order_the_plan_takes_it_up(plan: Plan) -> None:
    table = rows(plan, shipped().tree)
    order = list(
        dict.fromkeys(i.topic_id for w in plan.weeks for i in w.items if i.kind in ("learn", "essentials"))
    )
    assert [key for key, *_ in table if not key.startswith("project:")] == order
    labels = {key: label for key, label, _, _ in table}
    # Goal topics are starred; their essentials-only prerequisites are not.
    assert labels[KUBERNETES] == GOAL_MARK + "Kubernetes"
    assert labels[NETWORKING] == "Networking"
    assert all(goal == (key in plan.goals) for key, _, _, goal in table)


def test_cells_say_what_each_week_does_on_each_row(plan: Plan) -> None:
    marks = cells(plan)
    assert marks[(NETWORKING, 1)] == "essentials"
    assert marks[(KUBERNETES, 1)] == "learn"
    assert all(week <= len(plan.weeks) for _, week in marks)
    # Reviews never make a cell of their own: one cell per row and week of new work.
    worked = {
        (f"project:{i.topic_id}" if i.kind == "project" else i.topic_id, w.week)
        for w in plan.weeks
        for i in w.items
        if i.kind != "review"
    }
    assert set(marks) == worked


def test_the_figure_draws_each_cell_in_its_areas_colour(plan: Plan) -> None:
    tree = shipped().tree
    figure = timeline(plan, tree)
    axes = figure.axes[0]
    bars = axes.patches
    assert len(bars) == len(cells(plan))
    colours = {area: colour.lower() for area, colour in area_colours(tree).items()}
    cloud = colours["cloud-computing-and-mlops"]
    solid = [b for b in bars if to_hex(b.get_facecolor()) == cloud]
    hatched = [b for b in bars if b.get_hatch() == "//"]
    assert solid and hatched and all(to_hex(b.get_edgecolor()) in colours.values() for b in bars)
    ticks = [t.get_text() for t in axes.get_yticklabels()]
    assert ticks == [label for _, label, _, _ in rows(plan, tree)]
    bold = [t.get_text() for t in axes.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold and all(text.startswith(GOAL_MARK) for text in bold)
    assert [t.get_text() for t in axes.get_xticklabels()] == [str(n) for n in range(1, len(plan.weeks) + 1)]
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert "Cloud Computing and MLOps" in legend and "essentials only" in legend
