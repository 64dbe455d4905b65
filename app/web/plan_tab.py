"""The "Study plan" tab: a form over `StudyPlanner`, the plan as a picture and a table, and its exports.

The plan opens with what the full path takes and the plan's choice, with the
alternatives side by side (more weeks, more hours, the fast track to every
goal topic); a goal that could mean several things is asked back with the
readings to pick from. The plan is computed by code and shown at once; the
model's summary, which may take seconds or fail, fills in afterwards as a
second event. Exports are written to a fresh temp folder per request, so
sessions never share files. What the learner typed and what the cards say is
escaped before it is shown.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner.coach import reviews_by_week
from app.plan.export import to_ics, to_markdown
from app.plan.notes import summarize, week_tips
from app.plan.planner import GoalUnclear, PlanRequest, parse_date
from app.plan.schedule import Plan
from app.plan.weeks import weeks_text
from app.web.markup import WARNING, escape
from app.web.plan_chart import timeline
from app.web.profile import takes_request

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from app.learner.coach import Coach
    from app.plan.planner import StudyPlanner
    from app.plan.skills import SkillTree
    from app.web.profile import Profiles

log = logging.getLogger(__name__)

DUE_SHOWN = 3  # due items named in a week's review line; the rest are counted

HEADERS = ["week", "starts", "hours", "kind", "topic", "sub-topics", "toward", "roadmap path"]
DATATYPES = ["number", "str", "number", "str", "str", "str", "str", "str"]
COLUMN_WIDTHS = ["6%", "9%", "6%", "8%", "17%", "25%", "12%", "17%"]
DEFAULT_HOURS, DEFAULT_WEEKS = 8, 12
KEEP_FILES_S = 3600  # a plan's files, once Gradio has copied them out (the summary follows within 20 s)
MAX_LISTED = 8  # unscheduled topics named in the header; the checklist has them all
FAILED = WARNING + "something went wrong making that plan; details are in the server log"
CHOOSE = "Your goal could mean several parts of the roadmap: pick the one you mean below."
NOTHING_LEFT = "Nothing to schedule: every topic this goal needs is marked as already known."
MD_NAME, ICS_NAME = "study-plan.md", "study-plan.ics"


@dataclass
class PlanResult:
    """One request's plan, kept in the browser session until its summary is in."""

    plan: Plan
    tips: dict[int, str]
    folder: Path


def topic_choices(tree: SkillTree) -> list[tuple[str, str]]:
    """(breadcrumb, id) for every area, section, unit and topic, in roadmap order.

    Breadcrumbs, not bare titles: "Core Concepts" alone names eight different units. A
    topic ("… › Core Languages › Python") credits that topic only.
    """
    return [
        (tree.breadcrumb(node.id), node.id)
        for node in tree.nodes.values()
        if node.kind in ("area", "section", "topic") or node.unit
    ]


def plan_request(
    goal: str | None,
    known: Sequence[str] | None,
    hours: float | None,
    weeks: float | None,
    until: str | None,
    start: str | None,
    deepen: bool = False,
) -> PlanRequest:
    """The form as a request. An end date, when filled, wins over the number of weeks."""
    if hours is None:
        raise TutorError("give the hours you can study per week")
    end = parse_date(until, "end date")
    return PlanRequest(
        goal=(goal or "").strip(),
        hours_per_week=float(hours),
        weeks=None if end is not None or weeks is None else int(weeks),
        until=end,
        start=parse_date(start, "start date"),
        known=tuple(known or ()),
        deepen=bool(deepen),
    )


def plan_rows(plan: Plan) -> list[list[Any]]:
    """One table row per scheduled item: what it covers that week and the goal topic it leads to."""
    return [
        [
            week.week,
            week.start.isoformat(),
            item.hours,
            item.kind,
            item.title,
            "; ".join(item.covers),
            plan.label(item.serves) if item.serves else "",
            " › ".join(item.path),
        ]
        for week in plan.weeks
        for item in week.items
    ]


def plan_header(plan: Plan) -> str:
    """What the goal takes and the plan's choice, the goal topics, and what did not fit, as escaped Markdown.

    Titles are the plan's labels: "Core Concepts" alone could be any of eight units.
    """
    if not plan.weeks:
        return NOTHING_LEFT
    asked = plan.feasibility.weeks if plan.feasibility is not None else 0
    gave = f" (of the {asked} you gave)" if len(plan.weeks) < asked else ""
    lines = [
        f"**{escape(plan.goal)}**: {weeks_text(len(plan.weeks))}{gave} "
        f"from {plan.weeks[0].start.isoformat()}, "
        f"{plan.total_hours:g} h at up to {plan.hours_per_week:g} h a week."
    ]
    if plan.feasibility is not None:
        lines.append(escape(plan.feasibility.summary(plan.hours_per_week, len(plan.weeks))))
    lines.append("Goal topics (★ in the timeline): " + escape(", ".join(plan.goal_labels)) + ".")
    missed = [x for x in plan.unscheduled if x.kind != "deepening"]
    optional = [x for x in plan.unscheduled if x.kind == "deepening"]
    if missed:
        left = sum(x.hours for x in missed)
        titles = [escape(x.title) for x in missed]
        more = len(titles) - MAX_LISTED
        named = ", ".join(titles[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")
        lines.append(
            f"Did not fit: {len(titles)} items ({left:g} h): {named}. More weeks or hours would fit them."
        )
    if optional:
        hours = sum(x.hours for x in optional)
        tick = "; tick “After the goal, fill the weeks left with deepening” to lay it into the plan"
        if plan.feasibility is None or plan.feasibility.deepens:
            tick = ""
        lines.append(
            f"Optional deepening after the goal: {len(optional)} courses ({hours:g} h), "
            f"listed in the checklist{tick}."
        )
    return "\n\n".join(lines)


def alternatives(plan: Plan) -> str:
    """The plan next to its alternatives, one column each: hours a week, weeks, and what each covers."""
    f = plan.feasibility
    if f is None or not plan.weeks:
        return ""
    hours, weeks = plan.hours_per_week, f.weeks or len(plan.weeks)  # the weeks the learner gave
    this = "the full path" if f.mode == "full" else "fast track: the goal topics and their essentials"
    if f.deepens:
        this += ", then deepening"
    columns = [("This plan", f"{hours:g}", f"{len(plan.weeks)}", this)]
    if f.mode != "full":
        columns += [
            ("More weeks", f"{hours:g}", _weeks(f.full_path_weeks), "the full path"),
            ("More hours", _hours(f.full_path_hours_per_week), f"{weeks}", "the full path"),
            ("Goal topics, this pace", f"{hours:g}", _weeks(f.goal_weeks), "every goal topic"),
            ("Goal topics, these weeks", _hours(f.goal_hours_per_week), f"{weeks}", "every goal topic"),
        ]
    header = "| | " + " | ".join(name for name, *_ in columns) + " |"
    rows = [
        header,
        "|---" * (len(columns) + 1) + "|",
        "| hours a week | " + " | ".join(c[1] for c in columns) + " |",
        "| weeks | " + " | ".join(c[2] for c in columns) + " |",
        "| covers | " + " | ".join(c[3] for c in columns) + " |",
    ]
    return "\n".join(rows)


def _weeks(value: int | None) -> str:
    return "over ten years" if value is None else f"{value}"


def _hours(value: float | None) -> str:
    return "more than a week has" if value is None else f"{value:g}"


def tips_markdown(tips: dict[int, str]) -> str:
    """The per-week self-check questions from the knowledge cards, escaped."""
    if not tips:
        return "No self-check questions for these topics."
    return "\n".join(f"- **Week {week}.** {escape(tip)}" for week, tip in sorted(tips.items()))


def write_exports(plan: Plan, tips: dict[int, str], folder: Path, summary: str = "") -> tuple[Path, Path]:
    """The checklist and the calendar, as files in `folder`."""
    markdown, calendar = folder / MD_NAME, folder / ICS_NAME
    markdown.write_text(to_markdown(plan, summary, tips), encoding="utf-8")
    calendar.write_bytes(to_ics(plan))
    return markdown, calendar


class PlanTab:
    """The study plan form; like `TutorUI`, it keeps per-user state only in the browser session."""

    def __init__(
        self,
        planner: StudyPlanner,
        llm: BaseChatModel | None = None,
        questions: dict[tuple[str, ...], list[tuple[str, str]]] | None = None,
        learners: Coach | None = None,
        profiles: Profiles | None = None,
    ) -> None:
        """With `learners` (and the page's `profiles`), each week's review names the learner's
        quiz items that fall due that week."""
        self.planner = planner
        self.llm = llm
        self.questions = questions or {}
        self.learners = learners
        self.profiles = profiles
        self._files: Path | None = None  # one folder for this page's plan files, removed at exit

    def _plan_folder(self) -> Path:
        """A fresh folder for one plan's files, in this page's folder, where plans older than
        `KEEP_FILES_S` are removed first (a long-running server must not fill the disk)."""
        if self._files is None:
            self._files = Path(tempfile.mkdtemp(prefix="study-plans-"))
            atexit.register(shutil.rmtree, self._files, True)
        cutoff = time.time() - KEEP_FILES_S
        for old in self._files.iterdir():
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix="plan-", dir=self._files))

    def make(
        self,
        goal: str | None,
        known: list[str] | None,
        hours: float | None,
        weeks: float | None,
        until: str | None,
        start: str | None,
        deepen: bool = False,
        profile: str | None = None,
        request: object = None,
    ) -> tuple:
        """Outputs: header, alternatives, timeline, tips, table rows, checklist, calendar, summary
        (cleared), the readings to pick from (hidden unless the goal is unclear), session result."""
        import gradio as gr

        try:
            plan = self.planner.plan(plan_request(goal, known, hours, weeks, until, start, deepen))
            if not plan.weeks:
                return _nothing(plan_header(plan))
            tips = week_tips(plan, self.questions)
            if self.learners is not None and self.profiles is not None:
                add_due_reviews(tips, plan, self.learners, self.profiles.who(profile, request))
            folder = self._plan_folder()
            markdown, calendar = write_exports(plan, tips, folder)
            picture = timeline(plan, self.planner.tree)
        except GoalUnclear as unclear:
            choices = [(c.label, c.id) for c in unclear.candidates]
            return _nothing(CHOOSE, gr.update(choices=choices, value=None, visible=True))
        except TutorError as exc:
            return _nothing(f"{WARNING}{escape(str(exc))}")
        except Exception:
            log.exception("planning for %r failed", str(goal)[:200])
            return _nothing(FAILED)
        return (
            plan_header(plan),
            alternatives(plan),
            gr.update(value=picture, visible=True),
            tips_markdown(tips),
            plan_rows(plan),
            gr.update(value=str(markdown), visible=True),
            gr.update(value=str(calendar), visible=True),
            "",
            gr.update(choices=[], value=None, visible=False),
            PlanResult(plan, tips, folder),
        )

    def add_summary(self, result: PlanResult | None) -> tuple:
        """Outputs: the model's summary and the checklist with it; unchanged when there is none."""
        import gradio as gr

        if result is None or self.llm is None:
            return gr.skip(), gr.skip()
        try:
            summary = summarize(self.llm, result.plan)
            if not summary:
                return gr.skip(), gr.skip()
            markdown, _ = write_exports(result.plan, result.tips, result.folder, summary)
        except Exception:
            # The summary is optional: the plan already on the page stays as it is.
            log.exception("adding the plan summary failed")
            return gr.skip(), gr.skip()
        return f"*In short:* {escape(summary)}", gr.update(value=str(markdown))

    def _make_for(self, goal, known, hours, weeks, until, start, deepen, profile, request):
        """`make` for a page with learner profiles: Gradio passes the request (for the login user)."""
        return self.make(goal, known, hours, weeks, until, start, deepen, profile, request)

    def build(self, profile: object = None) -> None:
        """The tab's components and events, inside the caller's `gr.Tab`; `profile` is the page's
        learner profile box, when there are learners."""
        import gradio as gr

        tracks = [track.title for track in self.planner.curriculum.tracks.values()]
        with gr.Row():
            goal = gr.Dropdown(
                tracks,
                value=tracks[0] if tracks else None,
                allow_custom_value=True,
                label="Goal",
                info="A track, or in your own words, e.g. “I want to build LLM apps”",
            )
            known = gr.Dropdown(
                topic_choices(self.planner.tree),
                value=[],
                multiselect=True,
                label="Already known",
                info="Areas, units or single topics (“… › Core Languages › Python”): left out of the plan",
            )
        with gr.Row():
            hours = gr.Number(DEFAULT_HOURS, label="Hours per week")
            weeks = gr.Number(DEFAULT_WEEKS, label="Weeks", precision=0)
            until = gr.Textbox(label="Or until (YYYY-MM-DD)", info="When filled, it wins over weeks")
            start = gr.Textbox(label="Start (YYYY-MM-DD)", info="Empty: next Monday")
        deepen = gr.Checkbox(
            False,
            label="After the goal, fill the weeks left with deepening",
            info="When the full path does not fit, the plan stops at the goal and lists the rest",
        )
        button = gr.Button("Make plan", variant="primary")
        header = gr.Markdown()
        choice = gr.Radio([], label="Which did you mean?", visible=False)
        options = gr.Markdown()
        summary = gr.Markdown()
        with gr.Row():
            checklist = gr.DownloadButton("Checklist (.md)", visible=False, size="md")
            calendar = gr.DownloadButton("Calendar (.ics)", visible=False, size="md")
        picture = gr.Plot(label="Timeline", visible=False)
        with gr.Accordion("Checkpoints, one a week", open=False):
            tips = gr.Markdown()
        columns = {"headers": HEADERS, "datatype": DATATYPES, "column_widths": COLUMN_WIDTHS}
        table = gr.Dataframe(**columns, interactive=False, wrap=True, label="Plan", max_height=600)
        result = gr.State(None)
        form = [goal, known, hours, weeks, until, start, deepen, *([profile] if profile is not None else [])]
        shown = [header, options, picture, tips, table, checklist, calendar, summary, choice, result]
        summarize = {"api_visibility": "private", "show_progress": "minimal"}
        make = self.make if profile is None else takes_request(self._make_for)
        button.click(make, form, shown, api_name="make_plan").then(
            self.add_summary, result, [summary, checklist], **summarize
        )
        # Picking a reading makes it the goal and plans again.
        choice.input(lambda picked: picked, choice, goal, api_visibility="private").then(
            make, form, shown, api_visibility="private"
        ).then(self.add_summary, result, [summary, checklist], **summarize)


def add_due_reviews(tips: dict[int, str], plan: Plan, learners: Coach, learner: str) -> None:
    """Fill each week's review with the learner's quiz items due that week (their questions, never keys)."""
    starts = [week.start for week in plan.weeks]
    end = datetime.combine(starts[-1] + timedelta(days=7), datetime.min.time(), tzinfo=UTC)
    for week, items in reviews_by_week(learners.due_items(learner, end), starts).items():
        questions = "; ".join(escape_free(d.item.question) for d in items[:DUE_SHOWN])
        more = f" and {len(items) - DUE_SHOWN} more" if len(items) > DUE_SHOWN else ""
        line = f"Review: {len(items)} quiz item{'s' if len(items) > 1 else ''} due ({questions}{more})."
        tips[week] = f"{tips[week]} {line}" if week in tips else line


def escape_free(text: str) -> str:
    """A question on one line (the tips are escaped when they are shown)."""
    return " ".join(text.split())


def _nothing(message: str, choices: Any = None) -> tuple:
    """The outputs of a request without a plan: one line (with the readings to pick from, when asked),
    no table, picture or files."""
    import gradio as gr

    hidden = gr.update(value=None, visible=False)
    choices = choices or gr.update(choices=[], value=None, visible=False)
    return message, "", hidden, "", [], hidden, hidden, "", choices, None
