"""`tutor quiz`, `answer`, `override`, `progress`, `due`, `state`, `goal`, `placement`, `export`, `import`.

Thin adapters over `app.learner.coach.Coach`. With `--json`, each prints JSON
(one object per line for lists); quiz items never carry their key.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time
from pathlib import Path

from app.core.errors import TutorError, read_text
from app.learner.states import STATES

DEFAULT_LEARNER = "me"


def _learner(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--learner", default=DEFAULT_LEARNER, metavar="NAME", help="learner profile (default: me)"
    )


def add_commands(commands) -> None:
    quiz = commands.add_parser("quiz", help="quiz items for a learner (keys are never printed)")
    _learner(quiz)
    quiz.add_argument("--topic", metavar="TOPIC", help="an id or title from 'tutor topics', or words")
    quiz.add_argument("--n", type=int, default=5, metavar="N", help="number of items (default 5)")
    quiz.add_argument("--choices", action="store_true", help="multiple-choice variants")
    quiz.add_argument("--json", action="store_true", help="one JSON object per item, one per line")
    quiz.set_defaults(run=cmd_quiz)

    answer = commands.add_parser("answer", help="grade an answer to a quiz item and schedule its review")
    _learner(answer)
    answer.add_argument("--item", required=True, metavar="ID")
    answer.add_argument("--response", required=True, metavar="TEXT")
    answer.add_argument("--choice", action="store_true", help="TEXT is one of the item's choices")
    answer.add_argument("--json", action="store_true")
    answer.set_defaults(run=cmd_answer)

    override = commands.add_parser("override", help="replace the grade of an answer with your own")
    _learner(override)
    override.add_argument("--answer", type=int, required=True, metavar="ANSWER_ID")
    verdict = override.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--correct", dest="correct", action="store_true")
    verdict.add_argument("--wrong", dest="correct", action="store_false")
    override.add_argument("--json", action="store_true")
    override.set_defaults(run=cmd_override)

    progress = commands.add_parser("progress", help="a learner's progress per area and topic, and what next")
    _learner(progress)
    progress.add_argument("--json", action="store_true")
    progress.set_defaults(run=cmd_progress)

    due = commands.add_parser("due", help="items due for review")
    _learner(due)
    due.add_argument("--until", metavar="YYYY-MM-DD", help="due by the end of this day (default: now)")
    due.add_argument("--json", action="store_true")
    due.set_defaults(run=cmd_due)

    state = commands.add_parser("state", help="set a topic's state (and everything under it)")
    _learner(state)
    state.add_argument("--topic", required=True, metavar="TOPIC")
    state.add_argument("--state", required=True, choices=STATES)
    state.set_defaults(run=cmd_state)

    goal = commands.add_parser("goal", help="set the goal 'what next' ranks toward")
    _learner(goal)
    goal.add_argument("goal", help="a track (e.g. mlops-engineer), topics, or free text; '' clears it")
    goal.set_defaults(run=cmd_goal)

    placement = commands.add_parser("placement", help="a short adaptive quiz of what you already know")
    _learner(placement)
    placement.add_argument("--confirm", action="store_true", help="mark the proposed units done")
    placement.add_argument("--json", action="store_true", help="questions and the result as JSON lines")
    placement.set_defaults(run=cmd_placement)

    export = commands.add_parser("export", help="a learner's data as JSON")
    _learner(export)
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    export.set_defaults(run=cmd_export)

    load = commands.add_parser("import", help="a learner's data from 'tutor export'")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--as", dest="name", metavar="NAME", help="import under another learner name")
    load.set_defaults(run=cmd_import)


def _coach(settings):
    from app.wiring import build_coach

    return build_coach(settings)


def _print(data) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cmd_quiz(args: argparse.Namespace, settings) -> int:
    coach = _coach(settings)
    items = coach.quiz(args.learner, args.topic, args.n)
    for n, item in enumerate(items, start=1):
        choices = coach.choices(item) if args.choices else None
        if args.json:
            _print(item.public(choices))
        else:
            print(f"{n}. [{item.id}] {item.question}")
            for letter, choice in zip("ABCD", choices or []):
                print(f"   {letter}) {choice}")
    return 0


def _result(result, as_json: bool) -> None:
    if as_json:
        _print(result.to_json())
        return
    verdict = "Right." if result.correct else "Not quite."
    print(f"{verdict} Key: {result.key}")
    print(
        f"Next review: {result.next_due.date().isoformat()} (answer {result.answer_id}; "
        f"'tutor override --answer {result.answer_id}' if you disagree)"
    )


def cmd_answer(args: argparse.Namespace, settings) -> int:
    coach = _coach(settings)
    _result(coach.answer(args.learner, args.item, args.response, choice=args.choice), args.json)
    return 0


def cmd_override(args: argparse.Namespace, settings) -> int:
    _result(_coach(settings).override(args.learner, args.answer, args.correct), args.json)
    return 0


def cmd_progress(args: argparse.Namespace, settings) -> int:
    coach = _coach(settings)
    progress = coach.progress(args.learner)
    upcoming = coach.next(args.learner, progress)
    if args.json:
        _print(
            {
                "learner": args.learner,
                "areas": [a.to_json() for a in progress.areas],
                "topics": [
                    {
                        "topic_id": t.id,
                        "state": t.state,
                        "mastery": round(t.mastery, 3),
                        "due": t.due.date().isoformat() if t.due else None,
                    }
                    for t in progress.topics
                ],
                "units": [u.to_json() for u in progress.units],
                "next": upcoming,
            }
        )
        return 0
    print(f"Progress of {args.learner}:")
    for area in progress.areas:
        print(f"  {area.percent:5.1f}%  {area.title}  ({area.done}/{area.topics - area.skipped} topics done)")
    print("Next: " + (", ".join(coach.tree[u].title + f" [{u}]" for u in upcoming) or "nothing ready"))
    print(f"Due for review now: {len(coach.due_items(args.learner))}")
    return 0


def cmd_due(args: argparse.Namespace, settings) -> int:
    from app.plan.planner import parse_date

    day = parse_date(args.until, "--until")
    until = datetime.combine(day, time.max).astimezone() if day else None
    coach = _coach(settings)
    for due in coach.due_items(args.learner, until):
        if args.json:
            _print({**due.item.public(), "due": due.due.isoformat()})
        else:
            print(f"{due.due.date().isoformat()}  [{due.item.id}] {due.item.question}")
    return 0


def cmd_state(args: argparse.Namespace, settings) -> int:
    changed = _coach(settings).set_state(args.learner, args.topic, args.state)
    print(
        f"{args.learner}: {args.topic} and everything under it set to {args.state} ({changed} changed)",
        file=sys.stderr,
    )
    return 0


def cmd_goal(args: argparse.Namespace, settings) -> int:
    coach = _coach(settings)
    if args.goal.strip():
        coach.check_goal(args.goal)
    coach.store.set_goal(args.learner, args.goal)
    print(
        f"{args.learner}: goal {'set to ' + repr(args.goal.strip()) if args.goal.strip() else 'cleared'}",
        file=sys.stderr,
    )
    return 0


def cmd_placement(args: argparse.Namespace, settings) -> int:
    """Ask each question on stdout and read the answer from stdin, one line each."""
    coach = _coach(settings)
    placement = coach.placement(args.learner)
    answers = []
    while (unit := placement.next_unit(answers)) is not None:
        item = coach.placement_item(unit)
        if args.json:
            _print({**item.public(), "unit_id": unit, "number": len(answers) + 1})
        else:
            print(f"{len(answers) + 1}. {item.question}", flush=True)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            break  # the answers ran out: propose from what was answered
        result = coach.answer(args.learner, item.id, line.strip() or "idk", kind="placement")
        answers.append(coach.placed(unit, result.correct))
        if not args.json:
            print(f"   {'right' if result.correct else 'not quite'}; key: {result.key}")
    known = placement.known(answers)
    if args.confirm:
        coach.confirm_placement(args.learner, known)
    if args.json:
        _print({"asked": len(answers), "known": known, "confirmed": args.confirm})
    else:
        titles = ", ".join(coach.tree[u].title for u in known) or "none"
        print(f"{len(answers)} questions. Proposed as known: {titles}")
        if not args.confirm and known:
            print("Run again with --confirm, or set states with 'tutor state', to mark them done.")
    return 0


def cmd_export(args: argparse.Namespace, settings) -> int:
    from app.learner.transfer import export_learner

    text = json.dumps(export_learner(_coach(settings).store, args.learner), ensure_ascii=False, indent=1)
    if args.out is None:
        print(text)
        return 0
    try:
        args.out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise TutorError(f"{args.out}: cannot write ({exc.strerror})") from exc
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace, settings) -> int:
    from app.learner.transfer import import_learner

    try:
        data = json.loads(read_text(args.file))
    except json.JSONDecodeError as exc:
        raise TutorError(f"{args.file}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    name = import_learner(_coach(settings).store, data, args.name)
    print(f"imported learner {name!r} from {args.file}", file=sys.stderr)
    return 0
