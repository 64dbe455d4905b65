"""`tutor`: the command line. It only adapts the library to the shell.

Every user mistake ends as one line on stderr and a non-zero exit; the
heavy libraries load only inside the command that needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import TutorError, read_text

EXIT_USER_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="An offline, cited tutor for the roadmap 'Essential skills for an AI engineer'.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest", help="chunk and embed the roadmap (and extra markdown) into the index"
    )
    ingest.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="extra markdown files or folders")
    ingest.add_argument(
        "--prune", action="store_true", help="drop sources ingested earlier but not named now"
    )
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="embed everything again into a fresh index, for one that cannot be read "
        "(sources from earlier runs are not kept)",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    for name, helptext in (
        ("retrieve", "show the roadmap chunks retrieved for each question"),
        ("ask", "answer each question with citations"),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("questions", nargs="*", metavar="QUESTION")
        sub.add_argument("--file", type=Path, help="read one question per line from FILE")
        sub.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
        if name == "retrieve":
            sub.add_argument("--k", type=int, default=5, help="chunks per question (default 5)")

    topics = commands.add_parser("topics", help="list the roadmap's topics with prerequisites and hours")
    topics.add_argument("--json", action="store_true", help="one JSON object per topic, one per line")

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
    plan.add_argument("--format", choices=["json", "md", "ics"], default="json")
    plan.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")

    evaluate = commands.add_parser("eval", help="run the offline evaluation suites and write reports")
    evaluate.add_argument(
        "--suite",
        choices=["retrieval", "answers", "followups", "plans", "latency", "all"],
        default="all",
        help="which suite to run (default all)",
    )
    evaluate.add_argument("--split", choices=["dev", "test", "all"], default="test", help="(default test)")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N cases of each suite")
    evaluate.add_argument(
        "--compare", type=Path, metavar="RESULT.json", help="an earlier run to diff against"
    )
    evaluate.add_argument("--json", action="store_true", help="print the result JSON instead of the table")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bar")

    serve = commands.add_parser("serve", help="open the chat UI in the browser")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, from TUTOR_HOST)")
    serve.add_argument("--port", type=int, help="port (default 7860, from TUTOR_PORT)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    redact: Callable[[str], str] = str  # until the settings say which secrets to mask
    try:
        from app.components import prepare_process
        from app.redact import Redactor, settings_secrets
        from app.settings import Settings

        prepare_process()
        try:
            settings = Settings()
        except ValueError as exc:
            raise TutorError(f"invalid setting: {_first_error(exc)}") from exc
        redact = Redactor(settings_secrets(settings))
        return COMMANDS[args.command](args, settings)
    except TutorError as exc:
        print(f"tutor: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("tutor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`tutor topics | head`): stop quietly, like other shell tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            redact(f"tutor: unexpected error: {exc.__class__.__name__}: {exc} (rerun with --debug)"),
            file=sys.stderr,
        )
        return 2


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors) and errors():
        first = errors()[0]
        where = "TUTOR_" + "_".join(str(p) for p in first.get("loc", ())).upper()
        return f"{where}: {first.get('msg')}"
    return str(exc).splitlines()[0]


def read_questions(questions: Sequence[str], file: Path | None) -> list[str]:
    """Questions from arguments and/or a file (one per line, blank lines skipped)."""
    from app.tutor import clean_question

    collected = list(questions)
    if file is not None:
        text = read_text(file)
        collected.extend(line for line in text.splitlines() if line.strip())
        if not collected:
            raise TutorError(f"{file}: no questions in this file")
    if not collected:
        raise TutorError("no question given: pass QUESTION or --file FILE")
    return [clean_question(q) for q in collected]


def cmd_ingest(args: argparse.Namespace, settings) -> int:
    from ingest.sync import ingest

    report = ingest(settings, args.paths, prune=args.prune, progress=not args.quiet, rebuild=args.rebuild)
    for line in report.skipped:
        print(f"tutor: skipped {line}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_retrieve(args: argparse.Namespace, settings) -> int:
    from app.components import open_retriever

    if args.k < 1:
        raise TutorError("--k must be at least 1")
    questions = read_questions(args.questions, args.file)
    retriever = open_retriever(settings)
    for question in questions:
        hits = retriever.search(question, args.k)
        if args.json:
            record = {
                "query": question,
                "hits": [
                    {
                        "id": h.chunk.id,
                        "path": list(h.chunk.path),
                        "text": h.chunk.text,
                        "score": round(h.score, 4),
                    }
                    for h in hits
                ],
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(f"? {question}")
            for n, h in enumerate(hits, start=1):
                print(f"  {n}. [{h.score:.2f}] {' > '.join(h.chunk.path)}")
    return 0


def cmd_ask(args: argparse.Namespace, settings) -> int:
    from app.components import build_tutor

    questions = read_questions(args.questions, args.file)
    tutor = build_tutor(settings)
    for question in questions:
        answer = tutor.ask(question)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"? {question}\n{answer.text}")
            for n, hit in enumerate(answer.citations, start=1):
                print(f"  [{n}] {' > '.join(hit.chunk.path)}")
            print(flush=True)
    return 0


def cmd_topics(args: argparse.Namespace, settings) -> int:
    from app.components import build_study_planner

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


def parse_date(text: str | None, option: str):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise TutorError(f"{option} {text!r} is not a date; use YYYY-MM-DD") from exc


def cmd_plan(args: argparse.Namespace, settings) -> int:
    from app.components import build_study_planner
    from app.export import to_ics, to_markdown
    from app.plan_notes import load_card_questions, week_tips
    from app.study import PlanRequest

    request = PlanRequest(
        goal=args.goal,
        hours_per_week=args.hours_per_week,
        weeks=args.weeks,
        until=parse_date(args.until, "--until"),
        start=parse_date(args.start, "--start"),
        known=tuple(args.known),
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


def cmd_eval(args: argparse.Namespace, settings) -> int:
    from evals import runner
    from evals.components import no_progress
    from evals.report import summary_table, write_reports
    from evals.suites import SUITES

    suites = list(SUITES) if args.suite == "all" else [args.suite]
    compare = runner.load_result(args.compare) if args.compare else None
    progress = no_progress if args.quiet else _progress_bar
    result = runner.run(settings, suites, args.split, args.limit, compare, progress)
    paths = write_reports(result, runner.run_dir(settings, result))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(summary_table(result))
    print("reports: " + ", ".join(str(p) for p in paths.values()), file=sys.stderr)
    failed = [t for t in result["thresholds"] if not t["ok"]]
    return EXIT_USER_ERROR if failed else 0


def _progress_bar(items, desc: str):
    from tqdm import tqdm

    items = list(items)
    return tqdm(items, desc=desc, unit="case", file=sys.stderr, leave=False)


def cmd_serve(args: argparse.Namespace, settings) -> int:
    from app.ui import serve

    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    serve(settings)
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "retrieve": cmd_retrieve,
    "ask": cmd_ask,
    "topics": cmd_topics,
    "plan": cmd_plan,
    "eval": cmd_eval,
    "serve": cmd_serve,
}

if __name__ == "__main__":
    sys.exit(main())
