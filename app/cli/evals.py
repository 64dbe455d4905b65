"""`tutor eval`: the offline evaluation suites."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.core.errors import EXIT_USER_ERROR


def add_commands(commands) -> None:
    evaluate = commands.add_parser("eval", help="run the offline evaluation suites and write reports")
    evaluate.add_argument(
        "--suite",
        choices=[
            "retrieval",
            "answers",
            "interview",
            "followups",
            "plans",
            "goals",
            "latency",
            "grading",
            "placement",
            "all",
        ],
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
    evaluate.set_defaults(run=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings) -> int:
    from evals import runner
    from evals.progress import no_progress
    from evals.report import summary_table, write_reports
    from evals.suites import SUITES

    suites = list(SUITES) if args.suite == "all" else [args.suite]
    compare = runner.load_result(args.compare) if args.compare else None
    progress = no_progress if args.quiet else _progress_bar
    result = runner.run(settings, suites, args.split, args.limit, compare, progress)
    paths = write_reports(result, runner.run_dir(settings, result))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(summary_table(result))
    print("reports: " + ", ".join(str(p) for p in paths.values()), file=sys.stderr)
    return EXIT_USER_ERROR if result.missed else 0


def _progress_bar(items, desc: str):
    from tqdm import tqdm

    items = list(items)
    return tqdm(items, desc=desc, unit="case", file=sys.stderr, leave=False)
