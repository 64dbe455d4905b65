"""Study plans from the chat: "make me a study plan for …" goes to the planner, not the LLM.

The message (joined with the previous one when the tutor had just asked for
missing details) is read for hours per week, a duration (weeks, months or an
end date), topics already known and the goal. What is missing is asked for;
what is there is planned deterministically by `StudyPlanner`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.answer.tutor import Turn
from app.core.errors import TutorError
from app.plan.goals import Candidate
from app.plan.planner import GoalUnclear, PlanRequest, StudyPlanner, parse_date
from app.plan.schedule import Plan

ASK_PREFIX = "To make your study plan I need"
CHOOSE_PREFIX = f"{ASK_PREFIX} to know which of these goals you mean"
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
    r"\b(?:I want to|I'd like to|I would like to|goal is to|my goal is|to become|become|to learn|for"
    r"|to(?=\s+(?:understand|master|study|build)\b))"
    r"\s+([^.;!?]+)",
    re.IGNORECASE,
)
# "learn the basics of Docker": Docker
_DOING = re.compile(
    r"^(?:(?:learn(?:ing)?|study(?:ing)?|master(?:ing)?|understand(?:ing)?)\s+)?(?:(?:an?|the|some)\s+)?"
    r"(?:(?:bit|basics) of\s+)?",
    re.I,
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
        _DOING.sub("", match.strip())
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
        if history and history[-1].answer.startswith(CHOOSE_PREFIX):
            # An answer to "which of these goals": the earlier request, with the goal picked.
            earlier = parse(history[-1].question)
            offered = self._offered(earlier.get("goal", ""))
            picked = pick(message, offered)
            if picked is not None:
                details = {**earlier, "goal": picked.id, "label": picked.label}
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
        except GoalUnclear as unclear:
            numbered = enumerate(unclear.candidates, start=1)
            options = "\n".join(f"{n}. {c.label} (`{c.id}`)" for n, c in numbered)
            return ChatPlan(f"{CHOOSE_PREFIX} by “{unclear.goal}”:\n\n{options}\n\nReply with its number.")
        except TutorError as exc:
            return ChatPlan(f"I couldn't make that plan: {exc}.")
        if "label" in details:
            plan = replace(plan, goal=details["label"])  # the reading picked, not its id
        return ChatPlan(plan_markdown(plan, known, unknown), plan)

    def _offered(self, goal: str) -> tuple[Candidate, ...]:
        """The readings the planner offered for `goal` (it resolves the same way every time)."""
        resolution = self.planner.resolve(goal) if goal else None
        return resolution.candidates if resolution and resolution.status == "ask" else ()


def pick(message: str, offered: Sequence[Candidate]) -> Candidate | None:
    """The offered reading a reply names: by its number, its id, or words of its label."""
    text = message.strip().strip(".").casefold()
    if text.isdigit() and 1 <= int(text) <= len(offered):
        return offered[int(text) - 1]
    for candidate in offered:
        if text in (candidate.id.casefold(), candidate.label.casefold()):
            return candidate
    named = [c for c in offered if text and text in c.label.casefold()]
    return named[0] if len(named) == 1 else None


def plan_markdown(plan: Plan, known: Sequence[str] = (), unknown: Sequence[str] = ()) -> str:
    """A short chat reply: what the goal takes, the weeks as a table, what did not fit, and exports."""
    weeks = len(plan.weeks)
    article = "an" if str(weeks).startswith("8") or weeks in (11, 18) else "a"  # "an 8-week", "an 11-week"
    lines = [
        f"Here is {article} {weeks}-week plan for **{plan.goal}** at up to "
        f"{plan.hours_per_week:g} h a week ({plan.total_hours:g} h scheduled)."
    ]
    if plan.feasibility is not None:
        lines.append(plan.feasibility.summary(plan.hours_per_week, len(plan.weeks) or 1))
    lines.append("Goal topics: " + ", ".join(plan.goal_labels) + ".")
    if known:
        lines.append(f"Skipped as known: {', '.join(known)}.")
    if unknown:
        lines.append(f"Not found in the roadmap, so not skipped: {', '.join(unknown)}.")
    lines += ["", "| week | starts | hours | toward | what to cover |", "|---|---|---|---|---|"]
    for week in plan.weeks:
        work = "; ".join(
            f"{i.title} ({i.hours:g} h)" + (f": {', '.join(i.covers[:3])}" if i.covers else "")
            for i in week.items
            if i.kind != "review"
        )
        toward = ", ".join(plan.label(g) for g in week.serves) or "depth"
        cells = [str(week.week), week.start.isoformat(), f"{week.hours:g}", toward, work]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    missed = [x for x in plan.unscheduled if x.kind != "deepening"]
    optional = [x for x in plan.unscheduled if x.kind == "deepening"]
    if missed:
        left = sum(x.hours for x in missed)
        lines += ["", f"Did not fit: {len(missed)} items ({left:g} h). More weeks or hours would fit them."]
    if optional:
        hours = sum(x.hours for x in optional)
        lines += [
            "",
            f"Optional deepening after the goal: {len(optional)} courses ({hours:g} h); the Study plan"
            " tab can fill the weeks after the goal with it.",
        ]
    lines += [
        "",
        "The **Study plan** tab shows the alternatives and a timeline, and exports the plan as a "
        "checklist and a calendar.",
    ]
    return "\n".join(lines)
