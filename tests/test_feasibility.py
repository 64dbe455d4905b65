"""app/plan/feasibility.py: what the full path and the goal take, checked against real plans.

Each figure a plan states up front must be what the planner would really do: the full
path's weeks at this pace, the weekly hours that fit it in the plan's weeks (and half an
hour less does not), and the same for reaching every goal topic.
"""

from __future__ import annotations

import functools
from datetime import date

import pytest

from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.export import to_markdown
from app.plan.schedule import Plan, make_plan
from app.plan.skills import SkillTree

START = date(2027, 1, 4)
KUBERNETES = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"


@functools.cache
def shipped() -> Curriculum:
    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


def plan(hours: float, weeks: int, targets: tuple[str, ...] = (KUBERNETES,)) -> Plan:
    return make_plan(shipped(), "g", list(targets), set(), hours, weeks, START)


def goals_missed(p: Plan) -> list[str]:
    return [x.topic_id for x in p.unscheduled if x.topic_id in p.goals and x.kind != "deepening"]


@pytest.fixture(scope="module")
def tight() -> Plan:
    return plan(6, 4)


def test_a_plan_that_does_not_fit_says_so_and_takes_the_fast_track(tight: Plan) -> None:
    f = tight.feasibility
    assert f is not None and f.mode == tight.mode == "fast-track"
    assert f.full_path_hours > 6 * 4 and f.full_path_weeks > 4
    summary = f.summary(6, 4)
    assert summary.startswith(
        f"The full path is {f.full_path_hours:g} h: {f.full_path_weeks} weeks at 6 h/week."
    )
    assert "fast track" in summary and f"every goal topic: {f.goal_hours:g} h" in summary


def test_the_full_path_weeks_are_what_the_planner_needs(tight: Plan) -> None:
    weeks = tight.feasibility.full_path_weeks
    assert plan(6, weeks).mode == "full"
    assert plan(6, weeks - 1).mode == "fast-track"
    assert plan(6, weeks).total_hours == pytest.approx(tight.feasibility.full_path_hours)


def test_the_hours_that_fit_the_full_path_are_the_fewest_that_do(tight: Plan) -> None:
    hours = tight.feasibility.full_path_hours_per_week
    assert hours is not None
    assert plan(hours, 4).mode == "full"
    assert plan(hours - 0.5, 4).mode == "fast-track"


def test_the_goal_figures_reach_every_goal_topic(tight: Plan) -> None:
    f = tight.feasibility
    assert goals_missed(tight)  # 24 h do not reach Kubernetes' 15 h and its preparation
    assert f.goal_weeks is not None and not goals_missed(plan(6, f.goal_weeks))
    assert goals_missed(plan(6, f.goal_weeks - 1))
    assert f.goal_hours_per_week is not None and not goals_missed(plan(f.goal_hours_per_week, 4))
    assert goals_missed(plan(f.goal_hours_per_week - 0.5, 4))


def test_a_plan_that_fits_says_it_covers_everything() -> None:
    fits = plan(10, 8, (CORE_LANGUAGES,))
    assert fits.mode == "full" and fits.feasibility.mode == "full"
    assert fits.feasibility.summary(10, 8).endswith("It fits in 8 weeks, so this plan covers all of it.")
    # One week is one week, in every place a plan counts them.
    one = plan(10, 1, ("soft-skills",))
    assert one.mode == "full" and len(one.weeks) == 1
    assert "1 week at 10 h/week. It fits in 1 week, so" in one.feasibility.summary(10, 1)
    assert "\n1 week at up to 10 h/week" in to_markdown(one)


def test_a_path_longer_than_a_week_has_says_so() -> None:
    huge = make_plan(shipped(), "all", list(shipped().hours), set(), 1, 2, START)
    assert huge.feasibility.full_path_hours_per_week is None  # more than 168 h a week
    assert huge.feasibility.full_path_weeks is None  # more than ten years at 1 h a week
    assert "over ten years" in huge.feasibility.summary(1, 2)
