"""The Gradio page: it only adapts `Tutor` and `StudyPlanner` to the browser.

`TutorUI` builds the page apart from launching it (`app.web.serve` does that),
so it can be built and its `respond` driven in tests without a server. Chat
history lives in each browser session (Gradio passes it to `respond`), never in
this module. Document text is escaped before it is shown (`markup`): the
roadmap is data, not markup; learners' messages are shown as typed too
(`chatbot`). While the model answers others, an answer shows its place in line
under its lead. Plan requests in the chat go to the planner (`app.plan.chat`),
not the model; the "Study plan" tab lives in `plan_tab`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.answer.asking import clean_question
from app.answer.tutor import Answer, Turn, Waiting
from app.core.errors import TutorError
from app.learner.chat import is_learner_request
from app.learner.chat import reply as learner_reply
from app.plan.chat import PlanChat, is_plan_request
from app.plan.notes import load_card_questions
from app.web.chatbot import as_typed
from app.web.markup import WARNING, chat_markdown, escape, snippet, unescape
from app.web.plan_tab import PlanTab
from app.web.profile import Profiles, takes_request

if TYPE_CHECKING:
    import gradio as gr

    from app.answer.tutor import Tutor
    from app.learner.coach import Coach
    from app.plan.planner import StudyPlanner
    from app.web.evals_tab import EvalsTab

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
LEARNER_EXAMPLES = ["Quiz me on transformers", "What should I learn next?"]
PLAN_EXAMPLE = "Make me a study plan: 8 hours a week for 3 months, I know Python, I want to build LLM apps"
SOURCES_TITLE = "Sources"
FAILED = WARNING + "something went wrong answering that; details are in the server log"
WAITING = "Waiting for the model ({ahead} ahead)…"
# Chat answers in progress at once. One that waits for the model costs only an idle
# thread and shows its lead and its place in line; past this, Gradio's queue holds them.
CHAT_CONCURRENCY = 16


def format_sources(answer: Answer) -> str:
    """The citations as Markdown: `[n] breadcrumb` and a short, escaped snippet of each."""
    lines = []  # model sentences left out go to the log (Tutor.stream), not to the learner
    for n, hit in enumerate(answer.citations, start=1):
        breadcrumb = " › ".join(hit.chunk.path)
        lines.append(f"**[{n}]** {escape(breadcrumb)}\n> {escape(snippet(hit.chunk.text))}")
    return "\n\n".join(lines)


def answer_messages(answer: Answer) -> list[dict]:
    """The chat messages for a final answer: its text, then its sources (none for a refusal)."""
    messages = [{"role": "assistant", "content": escape(answer.text)}]
    if not answer.refused and answer.citations:
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
        learners: Coach | None = None,
        login: bool = False,
    ) -> None:
        """Without a planner, plan requests go to the tutor and the page has no Study plan tab;
        without `evals`, there is no Evals tab; without `learners`, no Progress, Quiz and Review
        tabs. With `login`, the learner is the signed-in user, else a profile the browser keeps."""
        self.tutor = tutor
        self.planner = planner
        self.evals = evals
        self.learners = learners
        self.profiles = Profiles(login)
        self.backend = backend
        # Self-check questions for the plan tab, read once: the cards do not change while serving.
        self.questions = load_card_questions(cards_dir) if cards_dir else {}

    def respond(
        self, message: str, history: list[dict], profile: str = "", request: object = None
    ) -> Iterator[str | list[dict]]:
        """Stream one answer: the text as it is written, then the checked text and its sources.

        A study plan request is answered by the planner instead, in one message; a quiz or
        "what next" request (and the answer to a quiz question) by the learner's coach.
        """
        turns = turns_from_history(history)
        if self.learners is not None and is_learner_request(message, turns):
            yield self.coach_answer(message, turns, profile, request)
            return
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

    def coach_answer(self, message: str, turns: list[Turn], profile: str, request: object) -> str:
        """The coach's chat reply for the learner this request acts for."""
        try:
            learner = self.profiles.who(profile, request)
            return chat_markdown(learner_reply(self.learners, learner, clean_question(message), turns).text)
        except TutorError as exc:
            return f"{WARNING}{escape(str(exc))}"
        except Exception:
            log.exception("the coach failed on %r", message[:200])
            return FAILED

    def build(self) -> gr.Blocks:
        """The page, not yet launched."""
        import gradio as gr

        with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as demo:
            gr.Markdown(f"# {TITLE}\n{DESCRIPTION}")
            profile = self.profiles.build(demo) if self.learners is not None else None

            def chat(message: str, history: list[dict], learner: str = "", request=None):
                yield from self.respond(message, history, learner, request)

            with gr.Tab("Chat"):
                gr.ChatInterface(
                    takes_request(chat),
                    additional_inputs=[profile] if profile is not None else None,
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
                    examples=self.examples(),
                    cache_examples=False,
                    flagging_mode="never",
                    fill_height=True,
                    api_name="chat",
                    concurrency_limit=CHAT_CONCURRENCY,
                    analytics_enabled=False,
                )
            if self.planner is not None:
                with gr.Tab("Study plan"):
                    learners = self.learners
                    tab = PlanTab(
                        self.planner,
                        getattr(self.tutor, "llm", None),
                        self.questions,
                        learners,
                        self.profiles,
                    )
                    tab.build(profile)
            if self.learners is not None:
                self.build_learner_tabs(demo, profile)
            if self.evals is not None:
                with gr.Tab("Evals"):
                    outputs = self.evals.build()
                self.evals.attach_refresh(demo, outputs)
            if self.backend:
                gr.Markdown(f"<small>LLM backend: {escape(self.backend)}</small>")
        return demo

    def examples(self) -> list:
        """The chat's examples; with the profile as an extra input, each is [message, None]
        (None leaves the profile as it is when an example is picked)."""
        examples = [*EXAMPLES, PLAN_EXAMPLE] if self.planner else list(EXAMPLES)
        if self.learners is None:
            return examples
        return [[example, None] for example in [*examples, *LEARNER_EXAMPLES]]

    def build_learner_tabs(self, demo: gr.Blocks, profile: object) -> None:
        """Progress, Quiz and Review (`progress_tab`, `quiz_tab`, `review_tab`), refreshed on load."""
        import gradio as gr

        from app.web.progress_tab import ProgressTab
        from app.web.quiz_tab import QuizTab
        from app.web.review_tab import ReviewTab

        with gr.Tab("Progress") as progress_tab:
            progress = ProgressTab(self.learners, self.profiles).build(profile)
        with gr.Tab("Quiz"):
            QuizTab(self.learners, self.profiles).build(profile)
        with gr.Tab("Review") as review_tab:
            review = ReviewTab(self.learners, self.profiles).build(profile)
        # Each view is fresh when the page opens, the profile changes or its tab is opened.
        for tab, (fn, inputs, outputs) in ((progress_tab, progress), (review_tab, review)):
            demo.load(fn, inputs, outputs, api_visibility="private")
            profile.change(fn, inputs, outputs, api_visibility="private")
            tab.select(fn, inputs, outputs, api_visibility="private")
