"""Plan exports: a Markdown checklist and an iCalendar (.ics) file of study sessions.

The calendar splits each week's hours into one evening session a day from the
week's start, two hours each where the week allows (an 8-hour week is four
sessions of two hours; a 20-hour week is seven sessions of about three).
Times are floating (no time zone): 18:00 wherever the learner's calendar is.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from app.plan.schedule import Plan
from app.plan.weeks import weeks_text

SESSION_HOURS = 2.0
SESSION_START = time(18, 0)
KIND_LABEL = {"learn": "", "essentials": "", "review": "(review) ", "project": "(project) "}


def to_markdown(plan: Plan, summary: str = "", tips: dict[int, str] | None = None) -> str:
    """A checklist: what the goal takes, then one `- [ ]` line per item with the sub-topics it covers,
    its hours and roadmap path, each week's goal topic and checkpoint, and what did not fit."""
    lines = [f"# Study plan: {plan.goal}", ""]
    lines.append(
        f"{weeks_text(len(plan.weeks))} at up to {plan.hours_per_week:g} h/week, "
        f"{plan.total_hours:g} h in all."
    )
    if plan.feasibility is not None:
        lines += ["", plan.feasibility.summary(plan.hours_per_week, len(plan.weeks) or 1)]
    if plan.goal_labels:
        lines += ["", "Goal topics: " + ", ".join(plan.goal_labels) + "."]
    if summary:
        lines += ["", summary.strip()]
    for week in plan.weeks:
        toward = f", toward {', '.join(plan.label(g) for g in week.serves)}" if week.serves else ""
        lines += ["", f"## Week {week.week} (from {week.start.isoformat()}, {week.hours:g} h{toward})", ""]
        for item in week.items:
            where = " › ".join(item.path)
            covers = f": {'; '.join(item.covers)}" if item.covers and item.kind != "review" else ""
            lines.append(f"- [ ] {KIND_LABEL[item.kind]}{item.title} ({item.hours:g} h){covers} — {where}")
        if tips and week.week in tips:
            lines += ["", f"> {tips[week.week]}"]
    missed = [x for x in plan.unscheduled if x.kind != "deepening"]
    optional = [x for x in plan.unscheduled if x.kind == "deepening"]
    if missed:
        # With its path: "Core Concepts" alone could be any of eight sections.
        lines += ["", "## Did not fit", "", *(_leftover(plan, x) for x in missed)]
    if optional:
        lines += ["", "## Optional deepening", "", "The rest of what the goal builds on, after it:", ""]
        lines += [_leftover(plan, x) for x in optional]
    return "\n".join(lines) + "\n"


def _leftover(plan: Plan, leftover) -> str:
    return f"- {leftover.title} ({leftover.hours:g} h) — {' › '.join(plan.paths.get(leftover.topic_id, ()))}"


def to_ics(plan: Plan) -> bytes:
    """One VEVENT per study session, describing the week's items."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Skills Tutor//study plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Study plan: {plan.goal}")
    for week in plan.weeks:
        details = "\n".join(f"{KIND_LABEL[i.kind]}{i.title} ({i.hours:g} h)" for i in week.items)
        # Sessions of up to two hours, one a day; a week past 14 h gets longer daily sessions.
        sessions = min(7, max(1, math.ceil(week.hours / SESSION_HOURS)))
        minutes = round(week.hours * 60)
        for n in range(sessions):
            length = minutes // sessions + (1 if n < minutes % sessions else 0)
            begin = datetime.combine(week.start + timedelta(days=n), SESSION_START)
            event = Event()
            event.add("uid", f"skills-tutor-{plan.goal}-w{week.week}-s{n + 1}".replace(" ", "-").lower())
            event.add("dtstamp", datetime.combine(week.start, time(0, 0)))
            event.add("summary", f"Study week {week.week}, session {n + 1} of {sessions}")
            event.add("dtstart", begin)
            event.add("dtend", begin + timedelta(minutes=length))
            event.add("description", details)
            calendar.add_component(event)
    return calendar.to_ical()
