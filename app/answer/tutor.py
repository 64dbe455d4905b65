"""The tutor: retrieve → numbered context → prompt → LLM → checked, cited answer.

Correctness does not rest on the model. Retrieval decides whether the roadmap
covers a question at all (if not, the tutor refuses without asking the model).
The answer opens with a lead quoted from the top excerpt (`grounding.lead`);
the model's sentences follow only if the excerpts support them
(`grounding.check_sentences`), and their citations are validated and
renumbered (`citations.attach_citations`), so `[n]` in the text is
`citations[n-1]` and always a retrieved chunk. Follow-ups carry the previous
question into retrieval. While the model serves others, the stream says how
many are ahead (`Waiting`). The tutor holds no per-user state.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.answer.citations import attach_citations
from app.answer.grounding import best_sentence, check_sentences, lead
from app.answer.retrieve import Hit, Retriever
from app.core.errors import TutorError
from app.core.prompts import Prompt, load_prompt
from app.llm.queue import ahead_in
from ingest.markdown import strip_controls

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

MAX_QUESTION_CHARS = 2000
# Words that make a question lean on the previous turn ("and which tools does it list?").
_FOLLOWUP = re.compile(
    r"^\s*(and|also|so|then|but|what about|how about|why|which of)\b"
    r"|\b(it|its|it's|that|this|these|those|they|them|their|there|the same|above|one)\b"
    r"|\b(the (first|second|third|other|former|latter)|equivalents?)\b",
    re.IGNORECASE,
)
_EXCERPT_NUMBER = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Turn:
    """One earlier exchange in a conversation."""

    question: str
    answer: str


@dataclass(frozen=True)
class Waiting:
    """A stream event: the model is busy with `ahead` earlier requests; this one waits its turn."""

    ahead: int


@dataclass
class Answer:
    query: str
    text: str
    citations: list[Hit]
    refused: bool
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieved: list[Hit] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # model sentences the excerpts do not support
    kept: list[str] = field(default_factory=list)  # model sentences that passed the checks
    generated: str = ""  # the model's raw text, before checks

    def to_json(self) -> dict:
        """The `tutor ask --json` record."""
        return {
            "query": self.query,
            "answer": self.text,
            "citations": [
                {"id": h.chunk.id, "path": list(h.chunk.path), "text": h.chunk.text} for h in self.citations
            ],
            "refused": self.refused,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


def clean_question(question: str) -> str:
    """Normalise a learner's question; empty or oversized input is a user error."""
    question = " ".join(strip_controls(question).split())
    if not question:
        raise TutorError("the question is empty: type a question about the roadmap")
    if len(question) > MAX_QUESTION_CHARS:
        raise TutorError(
            f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}"
        )
    return question


def as_data(text: str, labels: Sequence[str]) -> str:
    """Excerpt text as it goes into the prompt: lines that mimic the prompt's structure quoted.

    A document may contain "Question: …" or "Answer: …" lines, or a fake "[3]"
    excerpt; quoted, they stay inside the excerpt they came from.
    """
    starts = tuple(label.lower() for label in labels)

    def line_as_data(line: str) -> str:
        bare = line.lstrip().lower()
        return f"> {line}" if bare.startswith(starts) or _EXCERPT_NUMBER.match(bare) else line

    return "\n".join(line_as_data(line) for line in text.split("\n"))


def is_followup(question: str) -> bool:
    return bool(_FOLLOWUP.search(question))


def search_query(question: str, history: Sequence[Turn]) -> str:
    """What to retrieve with: a follow-up carries the previous question along."""
    if history and is_followup(question):
        return f"{history[-1].question} {question}"
    return question


class Tutor:
    """Answers questions about the roadmap with citations; holds no per-user state."""

    def __init__(
        self,
        retriever: Retriever,
        llm: BaseChatModel,
        count_tokens: Callable[[str], int],
        *,
        top_k: int = 4,
        context_tokens: int = 2048,
        max_answer_tokens: int = 200,
        prompts: Callable[[str], Prompt] = load_prompt,
    ) -> None:
        from langchain_core.runnables import RunnableLambda

        self.retriever = retriever
        self.llm = llm
        self.count_tokens = count_tokens
        self.top_k = top_k
        # Leave room for the answer and for the chat markers around the prompt.
        self.prompt_budget = context_tokens - max_answer_tokens - 32
        self.answer_prompt = prompts("answer")
        self.history_prompt = prompts("history")
        self.refusal_text = prompts("refusal").render().strip()
        # Message chunks, not strings: a chunk's metadata may say the model is busy.
        self.chain = RunnableLambda(self._messages) | (
            llm.bind(stop=self.answer_prompt.stop) if self.answer_prompt.stop else llm
        )

    # --- retrieval ----------------------------------------------------------------
    def search_query(self, question: str, history: Sequence[Turn]) -> str:
        return search_query(question, history)

    def retrieve(self, question: str, history: Sequence[Turn] = (), k: int | None = None) -> list[Hit]:
        return self.retriever.search(self.search_query(question, history), k or self.top_k)

    # --- answering ----------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        answer = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | Waiting | Answer]:
        """Yield the answer's text as it is written, then the final, checked `Answer`.

        The lead (from the top excerpt) comes first and at once; the model's
        sentences stream after it and are then checked, so the final text may
        differ from what streamed: unsupported sentences are removed. While the
        model serves earlier requests, `Waiting` events say how many are ahead.
        """
        question = clean_question(question)
        started = time.perf_counter()
        query = self.search_query(question, history)
        hits = self.retriever.search(query, self.top_k)
        timings = {"retrieve": (time.perf_counter() - started) * 1000}
        if not self.retriever.covers(query, hits):
            timings["first_token"] = timings["total"] = (time.perf_counter() - started) * 1000
            yield self.refusal_text
            yield Answer(question, self.refusal_text, [], True, timings, hits)
            return
        context_hits, prompt_history = self._fit(question, hits, history)
        top = context_hits[0]
        definition = best_sentence(question, top.note, self.retriever.embeddings) if top.note else ""
        opening = lead(context_hits, definition)
        yield opening + " "
        parts: list[str] = []
        values = {"question": question, "hits": context_hits, "history": prompt_history}
        for chunk in self.chain.stream(values):
            ahead = ahead_in(chunk.response_metadata)
            if ahead is not None:
                yield Waiting(ahead)
                continue
            delta = chunk.text
            if not delta:
                continue
            if not parts:
                timings["first_token"] = (time.perf_counter() - started) * 1000
            parts.append(delta)
            yield delta
        generated = "".join(parts)
        checked = check_sentences(generated, context_hits, question, opening)
        text, cited = attach_citations([opening, *checked.kept], context_hits, self.retriever.embeddings)
        timings.setdefault("first_token", (time.perf_counter() - started) * 1000)
        timings["total"] = (time.perf_counter() - started) * 1000
        yield Answer(
            question, text, cited, False, timings, context_hits, checked.dropped, checked.kept, generated
        )

    # --- prompt assembly ------------------------------------------------------------
    def render(self, question: str, hits: Sequence[Hit], history: Sequence[Turn]) -> str:
        """The full prompt text for these excerpts and this history."""
        labels = self.answer_prompt.labels
        context = "\n\n".join(
            f"[{n}] {' > '.join(h.chunk.path)}\n{as_data(h.chunk.text, labels)}"
            + (f"\n{as_data(h.note, labels)}" if h.note else "")
            for n, h in enumerate(hits, start=1)
        )
        history_text = self.history_prompt.render(previous=history[-1].question) + "\n" if history else ""
        return self.answer_prompt.render(context=context, history=history_text, question=question)

    def _fit(self, question: str, hits: list[Hit], history: Sequence[Turn]) -> tuple[list[Hit], list[Turn]]:
        """Drop the oldest history, then the weakest excerpts, until the prompt fits the budget."""
        hits = list(hits)
        history = list(history[-1:]) if is_followup(question) else []
        while self.count_tokens(self.render(question, hits, history)) > self.prompt_budget:
            if history:
                history.pop(0)
            elif len(hits) > 1:
                hits.pop()
            else:
                break  # one excerpt and the question: the model truncates the rest
        return hits, history

    def _messages(self, values: dict) -> list:
        from langchain_core.messages import HumanMessage

        return [HumanMessage(self.render(values["question"], values["hits"], values["history"]))]
