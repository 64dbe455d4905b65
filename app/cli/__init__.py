"""`tutor`: the command line. It only adapts the library to the shell.

Each module of this package adds its commands to the parser (`add_commands`)
and names the function that runs them. Every user mistake ends as one line on
stderr and a non-zero exit; the heavy libraries load only inside the command
that needs them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app.cli import answer, evals, learner, plan, serve
from app.core.errors import EXIT_USER_ERROR, TutorError

COMMAND_MODULES = (answer, plan, learner, evals, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="An offline, cited tutor for the roadmap 'Essential skills for an AI engineer'.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    redact: Callable[[str], str] = str  # until the settings say which secrets to mask
    try:
        from app.core.redact import Redactor, settings_secrets
        from app.core.settings import Settings
        from app.wiring import prepare_process

        prepare_process()
        try:
            settings = Settings()
        except ValueError as exc:
            raise TutorError(f"invalid setting: {_first_error(exc)}") from exc
        redact = Redactor(settings_secrets(settings))
        return args.run(args, settings)
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


if __name__ == "__main__":
    sys.exit(main())
