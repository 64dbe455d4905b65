"""`tutor ingest`, `tutor retrieve` and `tutor ask`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import TutorError, read_text


def add_commands(commands) -> None:
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
    ingest.set_defaults(run=cmd_ingest)

    for name, helptext, run in (
        ("retrieve", "show the roadmap chunks retrieved for each question", cmd_retrieve),
        ("ask", "answer each question with citations", cmd_ask),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("questions", nargs="*", metavar="QUESTION")
        sub.add_argument("--file", type=Path, help="read one question per line from FILE")
        sub.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
        if name == "retrieve":
            sub.add_argument("--k", type=int, default=5, help="chunks per question (default 5)")
        sub.set_defaults(run=run)


def read_questions(questions: Sequence[str], file: Path | None) -> list[str]:
    """Questions from arguments and/or a file (one per line, blank lines skipped)."""
    from app.answer.asking import clean_question

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
    from app.wiring import prepare_answers
    from ingest.sync import ingest

    report = ingest(settings, args.paths, prune=args.prune, progress=not args.quiet, rebuild=args.rebuild)
    for line in report.skipped:
        print(f"tutor: skipped {line}", file=sys.stderr)
    print(report.summary())
    # Answers compare the question with entry and card sentences: embed those once, now.
    started = time.perf_counter()
    prepared = prepare_answers(settings, progress=not args.quiet)
    if prepared:
        print(f"prepared {prepared} answer sentences in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_retrieve(args: argparse.Namespace, settings) -> int:
    from app.wiring import open_retriever

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
    from app.wiring import build_tutor

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
