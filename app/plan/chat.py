"""Study plans from the chat: "make me a study plan for …" goes to the planner, not the LLM.

The message (joined with the previous one when the tutor had just asked for
missing details) is read for hours per week, a duration (weeks, months or an
end date), topics already known and the goal. What is missing is asked for;
what is there is planned deterministically by `StudyPlanner`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.answer.tutor import Turn
from app.core.errors import TutorError
from app.plan.planner import PlanRequest, StudyPlanner, parse_date
from app.plan.schedule import Plan

ASK_PREFIX = "To make your study plan I need"
_INTENT = re.compile(
    r"\b(study|learning|learn|weekly|week-by-week|revision)[ -](plan|schedule)\b"
    r"|\bmake (me )?a plan\b|\bplan (my|for me)\b|\b(schedule|timetable) for\b",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\s*(?:a|per|/|each|every)?\s*(?:week|wk)\b|"
    r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\s+weekly",
    re.IGNORECASE,
)
_WEEKS = re.compile(r"(\d+)\s*(weeks?|wks?|months?)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|by|before)\s+(\d{4}-\d{2}-\d{2})")
_START = re.compile(r"\b(?:from|starting(?: on)?|start(?:ing)? on)\s+(\d{4}-\d{2}-\d{2})")
_KNOWN = re.compile(r"\bI (?:already )?know ([^.;!?]+)", re.IGNORECASE)
_GOAL = re.compile(
    r"\b(?:I want to|I'd like to|I would like to|goal is to|my goal is|to become|become|for)\s+([^.;!?]+)",
    re.IGNORECASE,
)
_TRAILING_NUMBERS = re.compile(
    r"\s+(?:in|at|for|over|within|with|by|until)\s+\d|\s+\d+(?:\.\d+)?\s*(?:h|hrs?|hours?|weeks?|months?)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*", re.IGNORECASE)


@dataclass
class ChatPlan:
    text: str  # the reply to show
    plan: Plan | None = None


def is_plan_request(message: str, history: Sequence[Turn]) -> bool:
    """A plan intent now, or an answer to the tutor's question about a plan."""
    return bool(_INTENT.search(message)) or bool(history and history[-1].answer.startswith(ASK_PREFIX))


def parse(message: str) -> dict:
    """What the message says about hours, duration, start, known topics and goal."""
    found: dict = {}
    _dates(message, found)
    if m := _HOURS.search(message):
        found["hours_per_week"] = float(m.group(1) or m.group(2))
    if "until" not in found and (m := _WEEKS.search(message)):
        n, unit = int(m.group(1)), m.group(2).lower()
        found["weeks"] = round(n * 52 / 12) if unit.startswith("month") else n
    if m := _KNOWN.search(message):
        # "I know Python, SQL and Git, I want to…": the list ends where a new clause starts.
        listed = re.split(r"[,;]?\s*\b(?:I|I'm|my|to|for)\b", m.group(1))[0]
        found["known"] = tuple(t for t in _SPLIT.split(listed.strip()) if t)
    # The goal is read clause by clause: "for 3 months" is a duration, "for mlops engineer" a goal.
    goals = [
        re.sub(r"^(?:an?|the)\s+", "", match.strip(), flags=re.I)
        for clause in re.split(r"[,;:.!?]", message)
        for match in _GOAL.findall(clause)
    ]
    # "a data engineer in 6 months at 4 hours per week": the goal stops where the numbers start.
    goals = [_TRAILING_NUMBERS.split(g)[0].strip() for g in goals]
    goals = [g for g in goals if g and not _HOURS.search(g) and not _WEEKS.search(g)]
    if goals:
        found["goal"] = goals[-1]
    return found


def _dates(message: str, found: dict) -> None:
    if m := _UNTIL.search(message):
        found["until"] = parse_date(m.group(1), "end date")
    if m := _START.search(message):
        found["start"] = parse_date(m.group(1), "start date")


class PlanChat:
    """Answers plan requests in the chat with a plan, or with a question for what is missing."""

    def __init__(self, planner: StudyPlanner) -> None:
        self.planner = planner

    def reply(self, message: str, history: Sequence[Turn] = ()) -> ChatPlan:
        text = message
        if history and history[-1].answer.startswith(ASK_PREFIX):
            text = f"{history[-1].question}. {message}"
        try:
            details = parse(text)
        except TutorError as exc:
            return ChatPlan(f"I couldn't make that plan: {exc}.")
        missing = []
        if "hours_per_week" not in details:
            missing.append("how many hours a week you can study")
        if "weeks" not in details and "until" not in details:
            missing.append("for how many weeks (or until which date, YYYY-MM-DD)")
        if "goal" not in details:
            missing.append("your goal (a track such as 'mlops-engineer', topics, or what you want to build)")
        if missing:
            return ChatPlan(
                f"{ASK_PREFIX} {'; '.join(missing)}. For example: "
                "“8 hours a week for 12 weeks, I know Python, I want to build LLM apps”."
            )
        known = tuple(k for k in details.get("known", ()) if self.planner.tree.find(k))
        unknown = [k for k in details.get("known", ()) if not self.planner.tree.find(k)]
        request = PlanRequest(
            goal=details["goal"],
            hours_per_week=details["hours_per_week"],
            weeks=details.get("weeks"),
            until=details.get("until"),
            start=details.get("start"),
            known=known,
        )
        try:
            plan = self.planner.plan(request)
        except TutorError as exc:
            return ChatPlan(f"I couldn't make that plan: {exc}.")
        return ChatPlan(plan_markdown(plan, known, unknown), plan)


def plan_markdown(plan: Plan, known: Sequence[str] = (), unknown: Sequence[str] = ()) -> str:
    """A short chat reply: the plan as a table, what did not fit, and where to export it."""
    lines = [
        f"Here is a {len(plan.weeks)}-week plan for **{plan.goal}** at up to "
        f"{plan.hours_per_week:g} h a week ({plan.total_hours:g} h scheduled), in prerequisite order."
    ]
    if known:
        lines.append(f"Skipped as known: {', '.join(known)}.")
    if unknown:
        lines.append(f"Not found in the roadmap, so not skipped: {', '.join(unknown)}.")
    lines += ["", "| week | starts | hours | topics |", "|---|---|---|---|"]
    for week in plan.weeks:
        topics = "; ".join(f"{i.title} ({i.hours:g} h)" for i in week.items if i.kind != "review").replace(
            "|", "/"
        )
        lines.append(f"| {week.week} | {week.start.isoformat()} | {week.hours:g} | {topics} |")
    if plan.unscheduled:
        left = sum(h for _, _, h in plan.unscheduled)
        lines += [
            "",
            f"Did not fit: {len(plan.unscheduled)} topics ({left:g} h). More weeks or hours would fit them.",
        ]
    lines += ["", "The **Study plan** tab exports this plan as a checklist and a calendar."]
    return "\n".join(lines)
