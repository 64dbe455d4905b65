"""`tutor serve`: the chat UI in the browser."""

from __future__ import annotations

import argparse


def add_commands(commands) -> None:
    serve = commands.add_parser("serve", help="open the chat UI in the browser")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, from TUTOR_HOST)")
    serve.add_argument("--port", type=int, help="port (default 7860, from TUTOR_PORT)")
    serve.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings) -> int:
    from app.web.serve import serve

    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    serve(settings)
    return 0
