"""What a goal takes, stated up front: the full path's hours and weeks, and what reaching the goal takes.

Every figure comes from laying the route out for real (reviews and projects
included), not from a formula: the full path at this budget with no limit on
weeks, the weekly hours that would fit the full path in the plan's weeks, and
the same two for the fast track to every goal topic. The learner sees the
choice the plan made and its alternatives side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.plan.route import Step
from app.plan.skills import SkillTree
from app.plan.weeks import lay_out, weeks_text

MAX_WEEKS = 520  # ten years: beyond that a plan is not a plan
MAX_TENTHS = 7 * 24 * 10  # the hours a week has


@dataclass(frozen=True)
class Route:
    """A route with the areas its projects close; `depth_from` starts its deepening, if any."""

    steps: list[Step]
    closes: dict[int, str]
    depth_from: int | None = None

    def lay_out(self, tree: SkillTree, weeks: int, start: date, budget: int):
        return lay_out(tree, self.steps, weeks, start, budget, self.closes, self.depth_from)


@dataclass(frozen=True)
class Feasibility:
    """The full path and the fast track to the goal, measured at the plan's budget and weeks."""

    mode: str  # the plan's choice: "full" (everything fits) or "fast-track"
    full_path_hours: float  # every missing unit in full, with reviews and projects
    full_path_weeks: int | None  # at the plan's hours per week (None: more than ten years)
    full_path_hours_per_week: float | None  # to fit it in the plan's weeks (None: not even 168)
    goal_hours: float  # every goal topic, with the essentials it needs first
    goal_weeks: int | None
    goal_hours_per_week: float | None
    deepens: bool = False  # a fast track that fills the weeks after the goal with deepening
    weeks: int = 0  # the weeks the learner gave (a plan that reaches its goal sooner uses fewer)

    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "full_path_hours": self.full_path_hours,
            "full_path_weeks": self.full_path_weeks,
            "full_path_hours_per_week": self.full_path_hours_per_week,
            "goal_hours": self.goal_hours,
            "goal_weeks": self.goal_weeks,
            "goal_hours_per_week": self.goal_hours_per_week,
        }

    def summary(self, hours_per_week: float, weeks: int) -> str:
        """One or two sentences: what the full path takes, and the plan's choice."""
        at = (
            f"{weeks_text(self.full_path_weeks)} at {hours_per_week:g} h/week"
            if self.full_path_weeks
            else f"over ten years at {hours_per_week:g} h/week"
        )
        text = f"The full path is {self.full_path_hours:g} h: {at}."
        if self.mode == "full":
            return text + f" It fits in {weeks_text(weeks)}, so this plan covers all of it."
        pace = f", {weeks_text(self.goal_weeks)} at this pace" if self.goal_weeks else ""
        reach = f"{self.goal_hours:g} h{pace}"
        choice = (
            " This plan takes the fast track: each goal topic as soon as the essentials of what it"
            f" needs are done (every goal topic: {reach})."
        )
        if self.deepens:
            return text + choice + " Then the rest of what they build on, while the weeks last."
        return (
            text
            + choice
            + (
                " The rest of what they build on is listed as optional deepening, for after the goal"
                " or with the full path."
            )
        )


def assess(
    tree: SkillTree,
    full: Route,
    goal: Route,
    mode: str,
    weeks: int,
    start: date,
    budget: int,
    deepens: bool = False,
) -> Feasibility:
    """Measure both routes: their hours and weeks at `budget`, and the budget that fits them in `weeks`."""
    full_hours, full_weeks = _measure(tree, full, start, budget)
    goal_hours, goal_weeks = _measure(tree, goal, start, budget)
    return Feasibility(
        mode=mode,
        full_path_hours=full_hours,
        full_path_weeks=full_weeks,
        full_path_hours_per_week=_budget_for(tree, full, weeks, start),
        goal_hours=goal_hours,
        goal_weeks=goal_weeks,
        goal_hours_per_week=_budget_for(tree, goal, weeks, start),
        deepens=deepens and mode != "full",
        weeks=weeks,
    )


def _measure(tree: SkillTree, route: Route, start: date, budget: int) -> tuple[float, int | None]:
    laid, left = route.lay_out(tree, MAX_WEEKS, start, budget)
    hours = round(sum(w.hours for w in laid) + sum(x.hours for x in left), 1)
    return hours, (None if left else len(laid))


def _budget_for(tree: SkillTree, route: Route, weeks: int, start: date) -> float | None:
    """The fewest hours a week (in halves of an hour) that fit the whole route in `weeks`."""

    def fits(halves: int) -> bool:
        return not route.lay_out(tree, weeks, start, halves * 5)[1]

    low, high = 1, MAX_TENTHS // 5
    if not fits(high):
        return None
    while low < high:  # more hours never fit less, so the smallest that fits is found by halving
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return high / 2
