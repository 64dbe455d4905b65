"""`tutor serve`: build the parts, then the page, and listen (login, bind warning, upload limit)."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.core.errors import TutorError
from app.core.redact import Redactor, log_warnings_to_stderr, settings_secrets
from app.web.evals_tab import EvalsTab
from app.web.login import logins
from app.web.page import EXAMPLES, TITLE, TutorUI
from app.wiring import Parts

if TYPE_CHECKING:
    from app.answer.tutor import Tutor
    from app.core.settings import Settings

QUEUE_SIZE = 64
# The page takes no files, but Gradio's upload route exists on every app: keep it small.
MAX_UPLOAD = "1mb"


def backend_label(settings: Settings) -> str:
    """The backend named as the footer shows it (the Tutor does not know which it has)."""
    if settings.llm == "openai":
        return f"openai ({settings.openai_model}) at {settings.openai_base_url}"
    return f"llamacpp ({settings.model_path.name if settings.model_path else 'bundled Gemma 3 270M'})"


def warm_up(tutor: Tutor) -> None:
    """Load the embedder and the model's weights now, so the first learner does not wait for them.

    Cheap on purpose (about a second): one retrieval, one token count and the
    weights. A full answer would also cost a whole prompt evaluation, which every
    question pays anyway.
    """
    tutor.retrieve(EXAMPLES[0])
    tutor.count_tokens(EXAMPLES[0])
    load = getattr(tutor.llm, "load", None)  # a local model; a server has nothing to load
    if callable(load):
        load()


def serve(settings: Settings) -> None:
    """Build the tutor and the planner, then serve the page until interrupted.

    A malformed login, a missing index or model fails here, before anything
    listens, as a `TutorError`.
    """
    allowed = logins(settings)
    log_warnings_to_stderr(Redactor([*settings_secrets(settings), *(password for _, password in allowed)]))
    parts = Parts(settings)
    warm_up(parts.tutor)
    demo = TutorUI(
        parts.tutor,
        parts.planner,  # shares the tutor's embedder
        backend=backend_label(settings),
        cards_dir=settings.cards,
        evals=EvalsTab(parts),
        learners=parts.learners,  # migrates the learner store now, before anything listens
        login=bool(allowed),
    ).build()
    # Chat answers have their own limit (CHAT_CONCURRENCY); the plan tab's events share these workers.
    demo.queue(default_concurrency_limit=4, max_size=QUEUE_SIZE)
    warning = exposure_warning(settings.host, login=bool(allowed))
    if warning:
        print(warning, file=sys.stderr)
    try:
        demo.launch(**launch_options(settings, allowed))
    except OSError as exc:
        raise TutorError(
            f"cannot listen on {settings.host}:{settings.port}: the port is taken or not allowed; "
            "pick another with --port or TUTOR_PORT"
        ) from exc
    print(f"tutor: ready at http://{settings.host}:{settings.port}", flush=True)
    demo.block_thread()


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def exposure_warning(host: str, *, login: bool) -> str | None:
    """The line printed when the page is reachable from other machines; None on a loopback address."""
    if is_loopback(host):
        return None
    who = (
        "only with a login (TUTOR_AUTH / TUTOR_AUTH_FILE)"
        if login
        else "by anyone, without a login: set TUTOR_AUTH or TUTOR_AUTH_FILE to require one"
    )
    return f"tutor: warning: serving on {host}, reachable from other machines {who}"


def launch_options(settings: Settings, logins: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """Gradio's `launch` arguments: our address, the logins (if any), no share link, no error details."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": list(logins) or None,
        "auth_message": f"{TITLE}: sign in" if logins else None,
        "max_file_size": MAX_UPLOAD,
        "share": False,
        "show_error": False,  # errors reach the browser only as the one line `respond` writes
        "quiet": True,  # our own ready line replaces Gradio's banner
        "prevent_thread_lock": True,  # so the ready line prints once the server listens
    }
