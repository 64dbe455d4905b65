"""The "Progress" tab: progress per area, the roadmap as a sunburst coloured by state and mastery.

Per-area bars show the share of topics done (skipped ones left out), each area
in its sunburst colour and in roadmap order. The sunburst's inner ring is the
roadmap's areas, the middle ring its units coloured by state, and the thin
outer ring each unit's mastery from quiz answers. Below them: what is next,
what is due, and forms to set a topic's state and the learner's goal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.learner.states import STATES
from app.web.markup import WARNING, escape
from app.web.profile import Profiles, takes_request

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from app.learner.coach import Coach
    from app.learner.progress import Progress

COLOURS = {"not_started": "#d9d9d9", "learning": "#f4b942", "done": "#3a9d5d", "skipped": "#9bb7d4"}
LABELS = {"not_started": "not started", "learning": "learning", "done": "done", "skipped": "skipped"}


def area_frame(progress: Progress) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [[a.title, round(a.percent, 1), round(100 * a.mastery, 1)] for a in progress.areas],
        columns=["area", "% done", "mastery %"],
    )


def area_colours(coach: Coach) -> dict[str, str]:
    """Each area's colour, in roadmap order: the same in the bars and the sunburst."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = colormaps["tab10"]
    areas = [n.title for n in coach.tree.nodes.values() if n.kind == "area"]
    return {title: to_hex(palette(i % 10)) for i, title in enumerate(areas)}


def sunburst(coach: Coach, progress: Progress) -> Figure:
    """Areas inside, units by state around them, each unit's mastery as the outer rim."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    tree = coach.tree
    units = {u.id: u for u in progress.units}
    areas, inner, outer, states, masteries = [], [], [], [], []
    for area in (n for n in tree.nodes.values() if n.kind == "area"):
        inside = [u for u in (area.id, *tree.descendants(area.id)) if u in units]
        sizes = [max(1, sum(tree[c].kind == "topic" for c in tree[u].children)) for u in inside]
        areas.append(area.title)
        inner.append(sum(sizes))
        outer += sizes
        states += [units[u].state for u in inside]
        masteries += [units[u].mastery for u in inside]
    figure = Figure(figsize=(6.4, 5.2), dpi=100)
    axes = figure.add_subplot()
    colours = area_colours(coach)
    wedge = {"edgecolor": "white", "linewidth": 0.5}
    axes.pie(
        inner,
        radius=0.55,
        colors=[colours[a] for a in areas],
        wedgeprops={**wedge, "width": 0.3},
        startangle=90,
        counterclock=False,
    )
    axes.pie(
        outer,
        radius=0.9,
        colors=[COLOURS[s] for s in states],
        wedgeprops={**wedge, "width": 0.33},
        startangle=90,
        counterclock=False,
    )
    axes.pie(
        outer,
        radius=1.0,
        colors=[colormaps["Greens"](0.15 + 0.85 * m) for m in masteries],
        wedgeprops={**wedge, "width": 0.08},
        startangle=90,
        counterclock=False,
    )
    legend = [Patch(color=colours[a], label=a) for a in areas]
    legend += [Patch(color=COLOURS[s], label=f"unit {LABELS[s]}") for s in STATES]
    legend.append(Patch(color=colormaps["Greens"](0.9), label="rim: mastery (darker = more)"))
    axes.legend(handles=legend, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
    axes.set_title("The roadmap: areas, units by state, mastery", fontsize=10)
    figure.subplots_adjust(left=0.0, right=0.62)
    return figure


def topic_choices(coach: Coach) -> list[tuple[str, str]]:
    """(breadcrumb, id) of every node, so a state can be set on a topic, a unit or a whole area."""
    tree = coach.tree
    return [(tree.breadcrumb(n.id), n.id) for n in tree.nodes.values()]


class ProgressTab:
    def __init__(self, coach: Coach, profiles: Profiles) -> None:
        self.coach = coach
        self.profiles = profiles

    def summary(self, learner: str, progress: Progress) -> str:
        coach = self.coach
        done = sum(t.state == "done" for t in progress.topics)
        goal = coach.store.goal(learner)
        nexts = [coach.tree.label(u) for u in coach.next(learner, progress)]
        lines = [
            f"**{escape(learner)}**: {done} of {len(progress.topics)} roadmap topics done; "
            f"**{coach.due_count(learner)} due for review now** ({coach.due_count(learner, 7)} this week).",
            f"Goal: {escape(goal) if goal else 'none set (what next follows the roadmap order)'}.",
            "Next for you: " + (", ".join(escape(t) for t in nexts) or "nothing ready") + ".",
        ]
        return "\n\n".join(lines)

    def view(self, profile: str, request: Any = None) -> tuple:
        import gradio as gr

        try:
            learner = self.profiles.who(profile, request)
            progress = self.coach.progress(learner)
            return self.summary(learner, progress), area_frame(progress), sunburst(self.coach, progress)
        except TutorError as exc:
            return f"{WARNING}{escape(str(exc))}", gr.update(), gr.update()

    def set_state(self, profile: str, topic: str | None, state: str, request: Any = None) -> tuple:
        try:
            if not topic:
                raise TutorError("pick a topic first")
            self.coach.set_state(self.profiles.who(profile, request), topic, state)
        except TutorError as exc:
            return (f"{WARNING}{escape(str(exc))}", *self.view(profile, request)[1:])
        summary, bars, plot = self.view(profile, request)
        title = escape(self.coach.tree.label(topic)) if topic in self.coach.tree else escape(topic)
        return f"Set {LABELS[state]} on {title} and everything under it.\n\n{summary}", bars, plot

    def set_goal(self, profile: str, goal: str, request: Any = None) -> tuple:
        try:
            learner = self.profiles.who(profile, request)
            if (goal or "").strip():
                self.coach.check_goal(goal)
            self.coach.store.set_goal(learner, goal)
        except TutorError as exc:
            return (f"{WARNING}{escape(str(exc))}", *self.view(profile, request)[1:])
        return self.view(profile, request)

    def build(self, profile: Any) -> list:
        """The tab's components; returns (function, inputs, outputs) to refresh it on page load."""
        import gradio as gr

        summary = gr.Markdown()
        colours = area_colours(self.coach)
        with gr.Row():
            bars = gr.BarPlot(
                x="area",
                y="% done",
                color="area",
                color_map=colours,
                colors_in_legend=[],  # the axis names the areas already
                title="Topics done per area (%)",
                y_lim=[0, 100],
                sort=list(colours),  # roadmap order, as in the sunburst
                height=400,
                x_label_angle=-35,
            )
            plot = gr.Plot(label="The roadmap by state and mastery", format="png")
        outputs = [summary, bars, plot]
        with gr.Row(equal_height=True):
            topic = gr.Dropdown(
                topic_choices(self.coach), label="Topic, unit or area", filterable=True, scale=4
            )
            state = gr.Radio([(s.replace("_", " "), s) for s in STATES], value="done", label="State", scale=3)
            apply = gr.Button("Set state", scale=1)
        with gr.Row(equal_height=True):
            goal = gr.Textbox(
                label="Goal", placeholder="a track (mlops-engineer) or what you want to build", scale=4
            )
            set_goal = gr.Button("Set goal", scale=1)
        refresh = gr.Button("Refresh")
        view = takes_request(lambda profile, request: self.view(profile, request))
        refresh.click(view, [profile], outputs, api_name="progress")
        apply.click(
            takes_request(
                lambda profile, topic, state, request: self.set_state(profile, topic, state, request)
            ),
            [profile, topic, state],
            outputs,
            api_name="set_state",
        )
        set_goal.click(
            takes_request(lambda profile, goal, request: self.set_goal(profile, goal, request)),
            [profile, goal],
            outputs,
            api_name="set_goal",
        )
        return [view, [profile], outputs]
