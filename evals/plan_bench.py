"""Study plans at scale: `python -m evals.plan_bench [N]`.

N random learner profiles (a track or one to three units as the goal, half of
those naming one topic of a unit, up to 40 known units and 30 known topics,
3-20 h a week, 4-26 weeks; seeded, so the same every run) are planned on the
shipped curriculum and checked with the plan suite's scorer: weeks over
budget, prerequisite violations counting essentials, known topics scheduled.
Prints those counts, how many plans took the fast track, when learners who know
Python reach their first goal topic (the planner's aim: by week 3), and the time
a plan takes (what the full path and the goal take is measured by laying out the
routes again, so it costs more than one layout).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta

from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.schedule import make_plan
from app.plan.skills import SkillTree
from evals.scorers import goal_progress, plan_violations
from evals.suites import plan_rules


def profiles(curriculum: Curriculum, count: int, seed: int = 0):
    """(goal, targets, known, hours a week, weeks, start, focus) for `count` random learners."""
    rng = random.Random(seed)
    naming = random.Random(seed + 1)  # its own stream: the profiles stay those of earlier runs
    units = sorted(curriculum.hours)
    topics = sorted(n.id for n in curriculum.tree.nodes.values() if n.kind == "topic")
    for _ in range(count):
        if rng.random() < 0.5:
            track = rng.choice(sorted(curriculum.tracks))
            goal, targets = track, list(curriculum.tracks[track].targets)
        else:
            targets = rng.sample(units, rng.randint(1, 3))
            goal = ", ".join(targets)
        known = set(rng.sample(units, rng.randint(0, 40))) | set(rng.sample(topics, rng.randint(0, 30)))
        hours = round(rng.uniform(3, 20) * 2) / 2
        own = [t for t in curriculum.syllabus.topics(targets[0]) if t != targets[0]]
        named = goal not in curriculum.tracks and own and naming.random() < 0.5
        focus = [naming.choice(own)] if named else []
        yield (
            goal,
            targets,
            known,
            hours,
            rng.randint(4, 26),
            date(2027, 1, 4) + timedelta(weeks=rng.randint(0, 52)),
            focus,
        )


def main(argv: list[str] | None = None) -> int:
    count = int((argv or sys.argv[1:] or ["300"])[0])
    curriculum = Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))
    counts = {"budget": 0, "prerequisite": 0, "known": 0}
    weeks = fast = 0
    seconds = []
    python = curriculum.tree.find("Python")
    late: list[tuple[str, float]] = []  # (mode, hours a week) of Python learners reaching a goal after week 3
    pythonists = 0
    focused = 0
    for goal, targets, known, hours, span, start, focus in profiles(curriculum, count):
        began = time.perf_counter()
        plan = make_plan(curriculum, goal, targets, known, hours, span, start, focus=focus)
        focused += bool(plan.focus)
        seconds.append(time.perf_counter() - began)
        data = plan.to_json()
        found = plan_violations(data["weeks"], plan_rules(curriculum, known, plan.focus), hours)
        counts = {k: counts[k] + found[k] for k in counts}
        weeks += len(plan.weeks)
        fast += plan.mode == "fast-track"
        if plan.goals and any(python in curriculum.topics_of(node) for node in known):
            pythonists += 1
            first = goal_progress(data["weeks"], plan.goals)["first_week"]
            if first is None or first > 3:
                late.append((plan.mode, hours))
    print(f"{count} random profiles ({focused} naming a topic), {weeks} weeks, {fast} on the fast track")
    print(
        f"{counts['budget']} weeks over budget, {counts['prerequisite']} prerequisite violations "
        f"(essentials counted), {counts['known']} known topics scheduled"
    )
    slow = [h for _, h in late]
    print(
        f"learners who know Python: {pythonists}; first goal topic after week 3: {len(late)} "
        f"({sum(mode == 'full' for mode, _ in late)} on the full path"
        + (f", at {_span(slow)} h a week)" if slow else ")")
    )
    print(f"a plan: median {statistics.median(seconds) * 1000:.0f} ms, slowest {max(seconds) * 1000:.0f} ms")
    return 0


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


if __name__ == "__main__":
    sys.exit(main())
