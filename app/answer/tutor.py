"""The tutor: retrieve → decide coverage → compose a cited explanation → let the model add to it.

Correctness does not rest on the model. Retrieval and `coverage.decide` say
whether the roadmap covers a question, only relates to it, or has nothing on it
(then the tutor refuses without asking the model). A covered question is
answered by code from the hand-checked topic entries (`compose`), complete and
cited, before the model is asked anything; the model may then add one or two
sentences, shown only when they pass the checks (`grounding.check_sentences`:
supported by one excerpt, relevant to the question, not a copy, not a
repetition). Where an index has no topic entries (extra documents of your own),
the answer opens with a lead quoted from the top section instead. Citations are
validated and renumbered, so `[n]` in the text is `citations[n-1]` and always a
retrieved chunk. Follow-ups ("and which tools does it need?") are answered for
the previous question's topic. While the model serves others, the stream says
how many are ahead (`Waiting`). The tutor holds no per-user state.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.answer import compose, coverage
from app.answer.asking import (
    Turn,
    clean_question,
    is_followup,
    naming_topic,
    on_last_topic,
    plainly,
    search_query,
    topic_question,
)
from app.answer.citations import as_data, attach_citations
from app.answer.grounding import best_sentence, check_sentences, lead
from app.answer.placing import Neighbours, bare
from app.answer.prerequisites import LearningOrder, before_sentence, in_order, prerequisites_of
from app.answer.remedies import remedy_first
from app.answer.retrieve import Hit, Retrieval, Retriever, closest_first, defining_first
from app.answer.vectors import SentenceVectors
from app.core.abbreviations import spell_out
from app.core.prompts import Prompt, load_prompt
from app.llm.queue import ahead_in

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from app.answer.bullets import Bullets

log = logging.getLogger(__name__)

ENTRIES = 6  # topic entries an answer is composed from
SIDE_ENTRIES = 2  # candidates for each side of a comparison (two sides may find the same one)
TOPIC_ENTRIES = 2  # entries that stand for the previous turn's topic in a follow-up
RELATED_SENTENCES = 2  # of the closest topic's explanation, after saying the roadmap lacks the question's
ENTRY_MARGIN = 0.1  # how much closer a section must match than every entry to be quoted instead


# "what about X?" asks about a new topic the way the previous one was asked.
@dataclass(frozen=True)
class Waiting:
    """A stream event: the model is busy with `ahead` earlier requests; this one waits its turn."""

    ahead: int


@dataclass(frozen=True)
class Generated:
    """What the model wrote for one answer, before the checks, and how many pieces it streamed."""

    text: str
    tokens: int


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
    coverage: str = "covered"  # "covered" | "related" | "none" (refused)
    composed: str = ""  # the part of `text` built by code, before any model sentence
    model_tokens: int = 0  # pieces the model streamed (for tokens per second)

    def to_json(self) -> dict:
        """The `tutor ask --json` record."""
        return {
            "query": self.query,
            "answer": self.text,
            "citations": [
                {"id": h.chunk.id, "path": list(h.chunk.path), "text": h.chunk.text} for h in self.citations
            ],
            "refused": self.refused,
            "coverage": self.coverage,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


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
        prompt_tokens: int | None = None,
        prompts: Callable[[str], Prompt] = load_prompt,
        neighbours: Neighbours = lambda path: ([], []),
        model_adds: bool = True,
        vectors: SentenceVectors | None = None,
        bullets: Bullets | None = None,
        adjacent: Sequence[str] = (),
        learning_order: LearningOrder = lambda first, second: None,
    ) -> None:
        """`neighbours`: the curriculum around a roadmap path (`placing.where_line`); `model_adds` off:
        answers are the composed text alone, the model never asked; `vectors`: sentence vectors prepared
        ahead; `prompt_tokens` caps the prompt (reading it is the model's first-token delay); `bullets`
        puts a named roadmap bullet's entries first; `adjacent`: subjects beside the roadmap (`coverage`);
        `learning_order`: which of two roadmap paths the curriculum teaches first."""
        from langchain_core.runnables import RunnableLambda

        self.retriever = retriever
        self.llm = llm
        self.count_tokens = count_tokens
        self.top_k = top_k
        self.neighbours = neighbours
        self.vectors = vectors or SentenceVectors(retriever.embeddings)
        self.model_adds = model_adds
        self.bullets = bullets
        self.adjacent = tuple(adjacent)
        self.learning_order = learning_order
        self.related_prompt = prompts("related")
        self.unnamed_prompt = prompts("related_unnamed")
        # Leave room for the answer and for the chat markers around the prompt.
        self.prompt_budget = context_tokens - max_answer_tokens - 32
        if prompt_tokens:
            self.prompt_budget = min(self.prompt_budget, prompt_tokens)
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
        """Yield the answer's text as it is ready, then the final, checked `Answer`.

        The composed answer comes first and whole; a model sentence follows only
        once it has passed the checks. While the model serves earlier requests,
        `Waiting` events say how many are ahead.
        """
        question = clean_question(question)
        started = time.perf_counter()
        asked, before = self.read(question)
        if ordered := in_order(asked, self._side_entries, self.learning_order):  # "SQL or pandas first?"
            text, sources = ordered.text_and_sources()
            timings = {"first_text": (time.perf_counter() - started) * 1000}
            timings["total"] = timings["first_text"]
            yield text
            yield Answer(question, text, sources, False, timings, sources, coverage="covered", composed=text)
            return
        found = self.find(asked, history)
        timings = {"retrieve": (time.perf_counter() - started) * 1000}
        decision = self.decide(asked, found, history)
        if decision == "none":
            timings["first_text"] = timings["total"] = (time.perf_counter() - started) * 1000
            yield self.refusal_text
            yield Answer(question, self.refusal_text, [], True, timings, found.hits, coverage="none")
            return
        if decision == "related" or compose.uses_entries(found):
            opening, sources = self._composed(asked, found, history, decision == "related", before)
            opening_cites = len(sources)  # composed: marker n cites sources[n - 1], each once at least
        else:  # the top match is a section without entries (an extra document): quote it
            context_hits, _ = self._fit(question, found.hits, history)
            top = context_hits[0]
            definition = best_sentence(question, top.note, self.retriever.embeddings) if top.note else ""
            opening, sources = lead(context_hits, definition), context_hits
            opening_cites = 1  # the lead cites the top section only
        timings["first_text"] = (time.perf_counter() - started) * 1000
        yield opening
        kept: list[str] = []
        dropped: list[str] = []
        generated = Generated("", 0)
        if self.model_adds and decision == "covered":
            context_hits, prompt_history = self._fit(question, sources, history)
            for event in self._generate(question, context_hits, prompt_history, timings, started):
                if isinstance(event, Waiting):
                    yield event
                else:
                    generated = event
            embeddings = self.retriever.embeddings
            checked = check_sentences(generated.text, context_hits, question, opening, embeddings)
            kept, dropped = checked.kept, checked.dropped
            if dropped:
                log.info("left out %d model sentence(s) for %r: %s", len(dropped), question[:80], dropped)
        text, cited = attach_citations(kept, sources, self.retriever.embeddings, opening, opening_cites)
        if kept:
            yield text[len(opening) :] if text.startswith(opening) else "\n\n" + text
        timings["total"] = (time.perf_counter() - started) * 1000
        yield Answer(
            question,
            text,
            cited,
            False,
            timings,
            sources,
            dropped,
            kept,
            generated.text,
            coverage=decision,
            composed=opening,
            model_tokens=generated.tokens,
        )

    def find(self, question: str, history: Sequence[Turn] = ()) -> Retrieval:
        """What retrieval finds for the question: the entries of a roadmap bullet it names first,
        else a clearly closer entry (`closest_first`)."""
        query = self.search_query(question, history)
        found = self.retriever.retrieve(query, self.top_k, entries=ENTRIES)
        found = defining_first(closest_first(found, self.retriever.terms, query), question)
        found = remedy_first(found, question, history)
        if self.bullets is not None:
            found = self.bullets.first(question, found)
        if found.vector is not None:  # the same embedder: composing need not embed the query again
            self.vectors.add(query, found.vector)
        return found

    def read(self, question: str) -> tuple[str, str]:
        """What the question asks, and the topic whose prerequisites it asks for (or ""): "explain
        overfitting simply" asks about overfitting, "clustring" is clustering, and "what should I
        learn before transformers?" asks about transformers, opened by what comes before them."""
        asked = self.retriever.spelled(plainly(question))
        before = prerequisites_of(asked)
        return before or asked, before

    def coverage_of(self, question: str, history: Sequence[Turn] = ()) -> coverage.Coverage:
        """The coverage decision `ask` makes for the question, without composing an answer."""
        asked = self.read(question)[0]
        return self.decide(asked, self.find(asked, history), history)

    def decide(self, question: str, found: Retrieval, history: Sequence[Turn] = ()) -> coverage.Coverage:
        """Covered, related or none (`app.answer.coverage`), for what `find` found."""
        if history and on_last_topic(question):  # "why would I use it?": as covered as its topic
            question, history = self.read(topic_question(history))[0], ()
            found = self.find(question)
        named = self.bullets is not None and self.bullets.names_found(question, found)
        query = question if not history else self.search_query(question, history)
        return coverage.decide(self.retriever, query, found, self.vectors, named, self.adjacent)

    def _composed(
        self,
        question: str,
        found: Retrieval,
        history: Sequence[Turn],
        related: bool = False,
        before: str = "",
    ) -> tuple[str, list[Hit]]:
        """The composed answer's text (markers numbered) and the hits it cites. For a question the
        roadmap only relates to, the answer first says so and names the closest topic (to the
        subject beside the roadmap it is about, if any: "build an AI agent?": Large language
        models, not Cross-functional collaboration), then explains that topic. For a question on
        what comes `before` a topic, the answer opens with the curriculum's prerequisites."""
        beside, score = (
            coverage.beside(spell_out(question), self.adjacent, self.vectors) if related else ("", -1)
        )
        if (
            score >= coverage.ADJACENT
            and (near := self.retriever.retrieve(beside, self.top_k, entries=ENTRIES)).entries
        ):
            found = near
        topic: list[Hit] = []
        if history and on_last_topic(question):  # "which tools does it need?": "it" is the last topic
            topic = self.retriever.retrieve(
                plainly(topic_question(history)), 1, entries=TOPIC_ENTRIES
            ).entries
            if topic:
                question = naming_topic(question, topic[0].chunk.path[-1])
        composition = compose.compose(
            question,
            found.entries,
            found.hits[0],
            self.vectors,
            self.neighbours,
            self._side_entries,
            topic,
            most=RELATED_SENTENCES if related or before else compose.MAX_SENTENCES,
        )
        if before and not related and composition.sentences:
            opening = composition.sentences[0].source
            if line := before_sentence(before, opening.chunk.path[:-1], self.neighbours):
                composition.sentences.insert(0, compose.Sentence(line, opening))
        text, sources = composition.text_and_sources()
        if related:
            text = self._not_covered(question, found.entries[0], before) + " " + text
        return text, sources

    def _side_entries(self, side: str) -> list[Hit]:
        """The entries for one side of a comparison; the side's vector is kept for composing."""
        found = self.retriever.retrieve(side, 1, entries=SIDE_ENTRIES)
        if found.vector is not None:
            self.vectors.add(side, found.vector)
        return found.entries

    def _not_covered(self, question: str, closest: Hit, subject: str = "") -> str:
        """ "The roadmap does not cover X; the closest it has is Y (its section)", or where the
        question names no subject, "The roadmap has no topic on exactly this question; …"."""
        section = " › ".join(bare(p) for p in closest.chunk.path[1:-1])
        subject = subject or coverage.missing_subject(question, self.adjacent, self.vectors)
        if not subject:
            return self.unnamed_prompt.render(closest=closest.chunk.path[-1], section=section).strip()
        return self.related_prompt.render(
            subject=subject, closest=closest.chunk.path[-1], section=section
        ).strip()

    def _generate(
        self, question: str, hits: list[Hit], history: list[Turn], timings: dict, started: float
    ) -> Iterator[Waiting | Generated]:
        """Run the model on the excerpts; yield `Waiting` while others are ahead, then what it wrote."""
        parts: list[str] = []
        values = {"question": question, "hits": hits, "history": history}
        for chunk in self.chain.stream(values):
            ahead = ahead_in(chunk.response_metadata)
            if ahead is not None:
                yield Waiting(ahead)
                continue
            if chunk.text:
                if not parts:
                    timings["first_token"] = (time.perf_counter() - started) * 1000
                parts.append(chunk.text)
        now = (time.perf_counter() - started) * 1000
        timings.setdefault("first_token", now)
        timings["generated"] = now
        yield Generated("".join(parts), len(parts))

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
