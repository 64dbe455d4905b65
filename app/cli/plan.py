"""`tutor topics` and `tutor plan`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.core.errors import TutorError


def add_commands(commands) -> None:
    topics = commands.add_parser("topics", help="list the roadmap's topics with prerequisites and hours")
    topics.add_argument("--json", action="store_true", help="one JSON object per topic, one per line")
    topics.set_defaults(run=cmd_topics)

    plan = commands.add_parser("plan", help="make a week-by-week study plan")
    plan.add_argument("--goal", required=True, help="a track (e.g. mlops-engineer), topics, or free text")
    plan.add_argument(
        "--known", nargs="+", action="extend", default=[], metavar="TOPIC", help="topics you know"
    )
    plan.add_argument("--hours-per-week", type=float, required=True, metavar="N")
    span = plan.add_mutually_exclusive_group(required=True)
    span.add_argument("--weeks", type=int, metavar="W")
    span.add_argument("--until", metavar="YYYY-MM-DD", help="end date")
    plan.add_argument("--start", metavar="YYYY-MM-DD", help="first day (default: next Monday)")
    plan.add_argument(
        "--deepen",
        action="store_true",
        help="when the full path does not fit: after the goal, fill the weeks left with the deepening"
        " (default: list it)",
    )
    plan.add_argument("--format", choices=["json", "md", "ics"], default="json")
    plan.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    plan.set_defaults(run=cmd_plan)


def cmd_topics(args: argparse.Namespace, settings) -> int:
    from app.wiring import build_study_planner

    planner = build_study_planner(settings)
    curriculum = planner.curriculum
    for node in planner.tree.nodes.values():
        units = planner.tree.unit_of(node.id) if node.kind != "topic" else []
        record = {
            "id": node.id,
            "title": node.title,
            "path": list(node.path),
            "parent": node.parent,
            "prerequisites": sorted(curriculum.prerequisites.get(node.id, ())) if node.unit else [],
            "hours": float(round(sum(curriculum.hours[u] for u in units), 1)),
        }
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            depth = {"area": 0, "section": 1, "subsection": 2, "topic": 3}[node.kind]
            hours = f"  ({record['hours']:g} h)" if record["hours"] else ""
            print(f"{'  ' * depth}{node.title}{hours}  [{node.id}]")
    return 0


def cmd_plan(args: argparse.Namespace, settings) -> int:
    from app.plan.export import to_ics, to_markdown
    from app.plan.notes import load_card_questions, week_tips
    from app.plan.planner import PlanRequest, parse_date
    from app.wiring import build_study_planner

    request = PlanRequest(
        goal=args.goal,
        hours_per_week=args.hours_per_week,
        weeks=args.weeks,
        until=parse_date(args.until, "--until"),
        start=parse_date(args.start, "--start"),
        known=tuple(args.known),
        deepen=args.deepen,
    )
    plan = build_study_planner(settings).plan(request)
    if args.format == "ics":
        data = to_ics(plan)
    elif args.format == "md":
        tips = week_tips(plan, load_card_questions(settings.cards))
        data = to_markdown(plan, tips=tips).encode("utf-8")
    else:
        data = (json.dumps(plan.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        raise TutorError(f"{args.out}: cannot write ({exc.strerror})") from exc
    print(f"wrote {args.out} ({len(plan.weeks)} weeks, {plan.total_hours:g} h)", file=sys.stderr)
    return 0
