"""The plan as a picture: a timeline of weeks across and topics down, coloured by area, goal topics starred.

A row per unit in the order the plan first takes it up (a project gets a row
of its own); a cell per week the unit is worked on: solid when its course is
learned that week, hatched when only its essentials are. A table of forty weeks
repeating "Core Languages" hides what the picture shows at a glance: where the
goal topics come, and what the weeks before them are for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from app.plan.schedule import Plan
    from app.plan.skills import SkillTree

# Colour-blind-safe (Okabe-Ito), one per area in roadmap order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
GOAL_MARK = "★ "


def rows(plan: Plan, tree: SkillTree) -> list[tuple[str, str, str, bool]]:
    """(row key, label, area id, is a goal topic) in the order the plan first takes each up."""
    found: dict[str, tuple[str, str, str, bool]] = {}
    targets = set(plan.targets)
    for week in plan.weeks:
        for item in week.items:
            if item.kind == "review":
                continue
            key = f"project:{item.topic_id}" if item.kind == "project" else item.topic_id
            if key not in found:
                goal = item.topic_id in targets and item.kind != "project"
                label = item.title if item.kind == "project" else tree.label(item.topic_id)
                found[key] = (key, GOAL_MARK + label if goal else label, _area(tree, item.topic_id), goal)
    return list(found.values())


def cells(plan: Plan) -> dict[tuple[str, int], str]:
    """(row key, week) → "learn", "essentials" or "project": what the week does on that row."""
    marks: dict[tuple[str, int], str] = {}
    for week in plan.weeks:
        for item in week.items:
            if item.kind == "review":
                continue
            key = f"project:{item.topic_id}" if item.kind == "project" else item.topic_id
            # A week with both the essentials and the course of a unit counts as learning it.
            if marks.get((key, week.week)) != "learn":
                marks[(key, week.week)] = item.kind
    return marks


def area_colours(tree: SkillTree) -> dict[str, str]:
    areas = [n.id for n in tree.nodes.values() if n.kind == "area"]
    return {area: PALETTE[n % len(PALETTE)] for n, area in enumerate(areas)}


def timeline(plan: Plan, tree: SkillTree) -> Figure:
    """The figure: one horizontal bar per (row, week) cell, a legend of areas and kinds."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    table = rows(plan, tree)
    index = {key: n for n, (key, _, _, _) in enumerate(table)}
    colours = area_colours(tree)
    weeks = max(1, len(plan.weeks))
    figure = Figure(figsize=(min(16, 4 + 0.45 * weeks), 1.4 + 0.3 * max(1, len(table))), layout="constrained")
    axes = figure.add_subplot()
    for (key, week), kind in sorted(cells(plan).items(), key=lambda c: (index[c[0][0]], c[0][1])):
        _, _, area, _ = table[index[key]]
        solid = kind == "learn"
        axes.barh(
            index[key],
            0.9,
            left=week - 0.45,
            height=0.7,
            color=colours[area] if solid else "white",
            edgecolor=colours[area],
            hatch=None if solid else ("//" if kind == "essentials" else "xx"),
            linewidth=1.0,
        )
    axes.set_yticks(range(len(table)), [label for _, label, _, _ in table], fontsize=8)
    for tick, (_, _, _, goal) in zip(axes.get_yticklabels(), table, strict=True):
        if goal:
            tick.set_fontweight("bold")
    axes.invert_yaxis()
    axes.set_xticks(range(1, weeks + 1))
    axes.set_xlim(0.4, weeks + 0.6)
    axes.set_xlabel("week")
    axes.grid(axis="x", alpha=0.3)
    shown = dict.fromkeys(area for _, _, area, _ in table)
    legend = [Patch(color=colours[a], label=tree[a].title) for a in shown]
    legend += [
        Patch(facecolor="white", edgecolor="grey", hatch="//", label="essentials only"),
        Patch(facecolor="white", edgecolor="grey", hatch="xx", label="project"),
    ]
    axes.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.set_title(f"{GOAL_MARK.strip()} goal topics, in bold", fontsize=9, loc="left")
    return figure


def _area(tree: SkillTree, node_id: str) -> str:
    node = tree[node_id]
    while node.parent is not None:
        node = tree[node.parent]
    return node.id
