"""`tutor serve`: the Gradio chat page. It only adapts `Tutor` to the browser.

`TutorUI` builds the page apart from launching it, so it can be built and its
`respond` driven in tests without a server. Chat history lives in each
browser session (Gradio passes it to `respond`), never in this module.
Document text is escaped before it is shown: the roadmap is data, not markup.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from app.errors import TutorError
from app.tutor import Answer, Turn

if TYPE_CHECKING:
    import gradio as gr

    from app.settings import Settings
    from app.tutor import Tutor

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
SOURCES_TITLE = "Sources"
SNIPPET_CHARS = 200
WARNING = "⚠️ "
FAILED = WARNING + "something went wrong answering that; details are in the server log"
# Markdown punctuation that could turn roadmap text into links, emphasis, tables or LaTeX.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_BULLET = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def escape(text: str) -> str:
    """Text shown as-is: no live HTML (`<`, `>`, `&`) and no Markdown markup."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


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
    messages = [{"role": "assistant", "content": html.escape(answer.text, quote=False)}]
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

    Sources panels (messages with a title) and failed turns (warnings) are not answers.
    """
    turns: list[Turn] = []
    question: str | None = None
    for message in history:
        if message.get("role") == "user":
            question = message_text(message)
        elif question is not None and not (message.get("metadata") or {}).get("title"):
            answer = html.unescape(message_text(message))
            if not answer.startswith(WARNING):
                turns.append(Turn(question, answer))
            question = None
    return turns


class TutorUI:
    """The chat page over one `Tutor`, which holds no per-user state and is shared by all sessions."""

    def __init__(self, tutor: Tutor, *, backend: str = "") -> None:
        self.tutor = tutor
        self.backend = backend

    def respond(self, message: str, history: list[dict]) -> Iterator[str | list[dict]]:
        """Stream one answer: the text as it is written, then the checked text and its sources."""
        streamed = ""
        try:
            for event in self.tutor.stream(message, turns_from_history(history)):
                if isinstance(event, Answer):
                    yield answer_messages(event)
                else:
                    streamed += event
                    yield html.escape(streamed, quote=False)
        except TutorError as exc:
            yield f"{WARNING}{exc}"
        except Exception:
            log.exception("answering %r failed", message[:200])
            yield FAILED

    def build(self) -> gr.Blocks:
        """The page, not yet launched."""
        import gradio as gr

        with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as demo:
            gr.Markdown(f"# {TITLE}\n{DESCRIPTION}")
            with gr.Tab("Chat"):
                gr.ChatInterface(
                    self.respond,
                    chatbot=gr.Chatbot(
                        label=TITLE,
                        show_label=False,
                        height=560,
                        latex_delimiters=[],
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder="Ask a question about the roadmap, or pick an example.",
                    ),
                    examples=EXAMPLES,
                    cache_examples=False,
                    flagging_mode="never",
                    fill_height=True,
                    api_name="chat",
                    analytics_enabled=False,
                )
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

    Cheap on purpose (about a second): one retrieval and one token count. A full
    answer would also cost a whole prompt evaluation, which every question pays anyway.
    """
    tutor.retrieve(EXAMPLES[0])
    tutor.count_tokens(EXAMPLES[0])


def serve(settings: Settings) -> None:
    """Build the tutor, then serve the chat page until interrupted.

    A missing index or model fails here, before anything listens, as a `TutorError`.
    """
    from app.components import build_tutor

    _log_warnings_to_stderr()
    tutor = build_tutor(settings)
    warm_up(tutor)
    demo = TutorUI(tutor, backend=backend_label(settings)).build()
    # The model answers one question at a time (it holds a lock); a few workers let
    # retrieval and queue updates for other sessions proceed meanwhile.
    demo.queue(default_concurrency_limit=4, max_size=64)
    if settings.host not in LOCAL_HOSTS:
        print(
            f"tutor: warning: serving on {settings.host}, reachable from other machines; "
            "the tutor has no login",
            file=sys.stderr,
        )
    try:
        demo.launch(**_launch_options(settings))
    except OSError as exc:
        raise TutorError(
            f"cannot listen on {settings.host}:{settings.port}: the port is taken or not allowed; "
            "pick another with --port or TUTOR_PORT"
        ) from exc
    print(f"tutor: ready at http://{settings.host}:{settings.port}", flush=True)
    demo.block_thread()


def _launch_options(settings: Settings) -> dict[str, Any]:
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "show_error": False,  # errors reach the browser only as the one line `respond` writes
        "quiet": True,  # our own ready line replaces Gradio's banner
        "prevent_thread_lock": True,  # so the ready line prints once the server listens
    }


def _log_warnings_to_stderr() -> None:
    # The handler, not only the root, filters: some libraries set their own loggers to DEBUG.
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
