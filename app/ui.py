"""`tutor serve`: the Gradio page. It only adapts `Tutor` and `StudyPlanner` to the browser.

`TutorUI` builds the page apart from launching it, so it can be built and its
`respond` driven in tests without a server. Chat history lives in each
browser session (Gradio passes it to `respond`), never in this module.
Document text is escaped before it is shown: the roadmap is data, not markup;
learners' messages are shown as typed too (`ui_chatbot`). While the model
answers others, an answer shows its place in line under its lead. Plan
requests in the chat go to the planner (`plan_chat`), not the model; the
"Study plan" tab lives in `ui_plan`. `serve` adds the login, the bind
warning and the upload limit.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import TutorError
from app.plan_chat import PlanChat, is_plan_request
from app.plan_notes import load_card_questions
from app.tutor import Answer, Turn, Waiting, clean_question

if TYPE_CHECKING:
    import gradio as gr

    from app.settings import Settings
    from app.study import StudyPlanner
    from app.tutor import Tutor
    from app.ui_evals import EvalsTab

log = logging.getLogger(__name__)

TITLE = "Skills Tutor"
DESCRIPTION = (
    "Ask about the roadmap *Essential skills for an AI engineer*: "
    "answers come only from the roadmap, with the sections they cite."
)
EXAMPLES = [
    "What is KL divergence and where does it fit?",
    "Which tools does the roadmap list for experiment tracking?",
    "What should I learn about Kubernetes?",
]
PLAN_EXAMPLE = "Make me a study plan: 8 hours a week for 3 months, I know Python, I want to build LLM apps"
SOURCES_TITLE = "Sources"
SNIPPET_CHARS = 200
WARNING = "⚠️ "
FAILED = WARNING + "something went wrong answering that; details are in the server log"
# Markdown punctuation that could turn roadmap text into links, emphasis, tables or LaTeX.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_BULLET = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
# Where GitHub-flavoured Markdown links bare text: URLs, `www.` and e-mail addresses.
_AUTOLINK = re.compile(r"://|\bwww\.|@", re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
WAITING = "Waiting for the model ({ahead} ahead)…"
# Chat answers in progress at once. One that waits for the model costs only an idle
# thread and shows its lead and its place in line; past this, Gradio's queue holds them.
CHAT_CONCURRENCY = 16
QUEUE_SIZE = 64
# The page takes no files, but Gradio's upload route exists on every app: keep it small.
MAX_UPLOAD = "1mb"


def escape(text: str) -> str:
    """Text shown as-is: no live HTML (`<`, `>`, `&`), no Markdown markup, no auto-links."""
    return _break_autolinks(_MARKDOWN.sub(r"\\\1", html.escape(text, quote=False)))


def unescape(text: str) -> str:
    """The text `escape` was given: every backslash it added precedes one character, then the entities."""
    return html.unescape(_ESCAPED.sub(r"\1", text))


def _break_autolinks(text: str) -> str:
    # Escaping the punctuation of "://", "www." and "@" stops GFM from linking bare text.
    return _AUTOLINK.sub(lambda m: re.sub(r"([:/.@])", r"\\\1", m.group(0)), text)


def chat_markdown(text: str) -> str:
    """A planner reply as chat Markdown: its bold and table stay; the learner's words stay text.

    The reply quotes the learner's goal and topics, so no HTML and no link or
    image syntax may pass: `<>&` become entities, brackets are escaped, and
    bare URLs are broken up so they are not linked.
    """
    # Backslashes first: a learner's own "\\[" must not cancel the escape added here.
    text = html.escape(text, quote=False).replace("\\", "\\\\")
    return _break_autolinks(text.replace("[", "\\[").replace("]", "\\]"))


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The first `limit` characters of a chunk on one line, cut at a word boundary.

    Bullet markers go: roadmap items end with full stops, so they read as sentences.
    """
    flat = " ".join(_BULLET.sub("", text).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def format_sources(answer: Answer) -> str:
    """The citations as Markdown: `[n] breadcrumb` and a short, escaped snippet of each."""
    lines = []
    if answer.dropped:
        n = len(answer.dropped)
        lines.append(f"*{n} model sentence{'s' if n > 1 else ''} left out: not supported by the roadmap*")
    for n, hit in enumerate(answer.citations, start=1):
        breadcrumb = " › ".join(hit.chunk.path)
        lines.append(f"**[{n}]** {escape(breadcrumb)}\n> {escape(snippet(hit.chunk.text))}")
    return "\n\n".join(lines)


def answer_messages(answer: Answer) -> list[dict]:
    """The chat messages for a final answer: its text, then its sources (none for a refusal)."""
    messages = [{"role": "assistant", "content": escape(answer.text)}]
    if not answer.refused and (answer.citations or answer.dropped):
        messages.append(
            {
                "role": "assistant",
                "content": format_sources(answer),
                "metadata": {"title": SOURCES_TITLE},
            }
        )
    return messages


def message_text(message: dict) -> str:
    """The text of a chat message, whether Gradio hands it over as a string or as content blocks."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def turns_from_history(history: Sequence[dict]) -> list[Turn]:
    """This session's earlier exchanges: each question with the answer text that followed it.

    Sources panels (messages with a title) and failed turns (warnings) are not answers;
    the planner's question for missing details is, so the next message can complete it.
    """
    turns: list[Turn] = []
    question: str | None = None
    for message in history:
        if message.get("role") == "user":
            question = message_text(message)
        elif question is not None and not (message.get("metadata") or {}).get("title"):
            answer = unescape(message_text(message))
            if not answer.startswith(WARNING):
                turns.append(Turn(question, answer))
            question = None
    return turns


def plan_answer(planner: StudyPlanner, message: str, turns: Sequence[Turn]) -> str:
    """The planner's chat reply: a plan, or the question for what it still needs.

    That question is an answer like any other, so the next message, which
    supplies the details, is read together with the request (see `plan_chat`).
    """
    try:
        return chat_markdown(PlanChat(planner).reply(clean_question(message), turns).text)
    except TutorError as exc:
        return f"{WARNING}{escape(str(exc))}"
    except Exception:
        log.exception("planning from %r failed", message[:200])
        return FAILED


class TutorUI:
    """The page over one `Tutor` and one `StudyPlanner`, shared by all sessions: neither keeps user state."""

    def __init__(
        self,
        tutor: Tutor,
        planner: StudyPlanner | None = None,
        *,
        backend: str = "",
        cards_dir: Path | None = None,
        evals: EvalsTab | None = None,
    ) -> None:
        """Without a planner, plan requests go to the tutor and the page has no Study plan tab;
        without `evals`, there is no Evals tab."""
        self.tutor = tutor
        self.planner = planner
        self.evals = evals
        self.backend = backend
        # Self-check questions for the plan tab, read once: the cards do not change while serving.
        self.questions = load_card_questions(cards_dir) if cards_dir else {}

    def respond(self, message: str, history: list[dict]) -> Iterator[str | list[dict]]:
        """Stream one answer: the text as it is written, then the checked text and its sources.

        A study plan request is answered by the planner instead, in one message.
        """
        turns = turns_from_history(history)
        if self.planner is not None and is_plan_request(message, turns):
            yield plan_answer(self.planner, message, turns)
            return
        streamed = ""
        try:
            for event in self.tutor.stream(message, turns):
                if isinstance(event, Answer):
                    yield answer_messages(event)
                elif isinstance(event, Waiting):
                    yield escape(streamed) + f"\n\n*{WAITING.format(ahead=event.ahead)}*"
                else:
                    streamed += event
                    yield escape(streamed)
        except TutorError as exc:
            yield f"{WARNING}{escape(str(exc))}"
        except Exception:
            log.exception("answering %r failed", message[:200])
            yield FAILED

    def build(self) -> gr.Blocks:
        """The page, not yet launched."""
        import gradio as gr

        from app.ui_chatbot import as_typed
        from app.ui_plan import PlanTab  # it builds on this module's helpers

        with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as demo:
            gr.Markdown(f"# {TITLE}\n{DESCRIPTION}")
            with gr.Tab("Chat"):
                gr.ChatInterface(
                    self.respond,
                    chatbot=as_typed(
                        gr.Chatbot(
                            label=TITLE,
                            show_label=False,
                            height=560,
                            latex_delimiters=[],
                            feedback_options=None,
                            buttons=["copy"],
                            placeholder="Ask a question about the roadmap, or pick an example.",
                        )
                    ),
                    examples=[*EXAMPLES, PLAN_EXAMPLE] if self.planner else EXAMPLES,
                    cache_examples=False,
                    flagging_mode="never",
                    fill_height=True,
                    api_name="chat",
                    concurrency_limit=CHAT_CONCURRENCY,
                    analytics_enabled=False,
                )
            if self.planner is not None:
                with gr.Tab("Study plan"):
                    PlanTab(self.planner, getattr(self.tutor, "llm", None), self.questions).build()
            if self.evals is not None:
                with gr.Tab("Evals"):
                    outputs = self.evals.build()
                self.evals.attach_refresh(demo, outputs)
            if self.backend:
                gr.Markdown(f"<small>LLM backend: {escape(self.backend)}</small>")
        return demo


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
    from app.components import build_study_planner, build_tutor
    from app.login import logins
    from app.redact import Redactor, log_warnings_to_stderr, settings_secrets

    allowed = logins(settings)
    log_warnings_to_stderr(Redactor([*settings_secrets(settings), *(password for _, password in allowed)]))
    tutor = build_tutor(settings)
    warm_up(tutor)
    planner = build_study_planner(settings, tutor.retriever.embeddings)  # one embedder, shared
    from app.ui_evals import EvalsTab

    evals = EvalsTab(settings, tutor.retriever)
    demo = TutorUI(
        tutor, planner, backend=backend_label(settings), cards_dir=settings.cards, evals=evals
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
