"""Assembling the tutor's parts from settings: the one place that wires them.

The CLI, `tutor serve` and the evaluation suites all take their parts from
here. `Parts` builds each part on first use and shares what can be shared (one
embedder for the retriever and the planner), so a command that only plans never
opens the index and one that only retrieves never loads the model.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from app.answer.bullets import Bullets
from app.answer.placing import Neighbours
from app.answer.prerequisites import LearningOrder
from app.answer.retrieve import Retriever
from app.answer.sentences import answer_sentences
from app.answer.tutor import Tutor
from app.answer.vectors import FILE_NAME as VECTORS_FILE
from app.answer.vectors import SentenceVectors
from app.core.resources import seeds_dir
from app.core.settings import Settings
from app.learner.coach import Coach
from app.learner.db import Database
from app.learner.grading import Grader
from app.learner.items import ItemBank
from app.learner.store import LearnerStore
from app.llm.backend import Backend, build_backend, check_backend_settings
from app.plan.curriculum import Curriculum, CurriculumError
from app.plan.planner import StudyPlanner
from app.plan.skills import SkillTree
from ingest.embed import load_embeddings
from ingest.entries import load_entries
from ingest.index import open_index

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from ingest.entries import Entry

log = logging.getLogger(__name__)


def prepare_process() -> None:
    """Keep every library offline and quiet; called first by each entry point."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def open_retriever(settings: Settings) -> Retriever:
    """The retriever over the existing index; a missing or damaged index is a user error."""
    index = open_index(settings)
    index.open()  # a missing, empty or damaged index fails here, before the embedder loads
    return Retriever(
        index,
        load_embeddings(batch_size=settings.embed_batch_size),
        min_relevance=settings.min_relevance,
        min_lexical=settings.min_lexical_coverage,
    )


def build_tutor(
    settings: Settings, retriever: Retriever | None = None, backend: Backend | None = None
) -> Tutor:
    """A ready tutor with the configured LLM backend."""
    # Settings and the index first: both fail at once, before the model file is assembled.
    check_backend_settings(settings)
    retriever = retriever or open_retriever(settings)
    backend = backend or build_backend(settings)
    entries = topic_entries(settings)  # read once: the curriculum and the bullets both use them
    neighbours, adjacent, learning_order = answers_curriculum(settings, entries)
    return Tutor(
        retriever,
        backend.model,
        backend.count_tokens,
        top_k=settings.top_k,
        context_tokens=backend.context_tokens,
        max_answer_tokens=settings.max_tokens,
        prompt_tokens=settings.answer_prompt_tokens,
        neighbours=neighbours,
        model_adds=settings.model_may_add,
        vectors=sentence_vectors(settings, retriever),
        bullets=None if entries is None else Bullets(entries, retriever.terms, retriever.entries_at),
        adjacent=adjacent,
        learning_order=learning_order,
    )


def topic_entries(settings: Settings) -> list[Entry] | None:
    """The topic entries for answers (None, with a warning, when their folder cannot be read)."""
    try:
        return load_entries(settings.topics)
    except OSError as error:
        log.warning("answers will not name neighbouring topics or look for roadmap bullets: %s", error)
        return None


def sentence_vectors(settings: Settings, retriever: Retriever) -> SentenceVectors:
    """The sentence vectors `tutor ingest` saved under TUTOR_HOME (see app/answer/vectors.py)."""
    return SentenceVectors(retriever.embeddings, path=settings.home / "cache" / VECTORS_FILE)


def prepare_answers(settings: Settings, progress: bool = True) -> int:
    """Embed and save every sentence an answer may use, so answers embed only the question."""
    retriever = open_retriever(settings)
    return sentence_vectors(settings, retriever).prepare(answer_sentences(retriever), progress=progress)


def answers_curriculum(
    settings: Settings, entries: list[Entry] | None
) -> tuple[Neighbours, tuple[str, ...], LearningOrder]:
    """What answers take from the curriculum data: what a topic builds on and leads to, the
    subjects next to the roadmap that it does not teach, and which of two topics comes first.

    A roadmap of your own that the shipped curriculum does not describe has
    none of them: answers then just say where they sit.
    """
    nothing = (lambda path: ([], [])), (), (lambda first, second: None)
    if entries is None:
        return nothing
    try:
        tree = SkillTree.from_file(settings.seeds[0])
        curriculum = Curriculum.load(tree, settings.curriculum, entries)
    except (CurriculumError, OSError) as error:
        log.warning("answers will not name neighbouring topics: %s", error)
        return nothing
    return curriculum.neighbours, curriculum.adjacent, curriculum.learning_order


def build_study_planner(settings: Settings, embeddings: Embeddings | None = None) -> StudyPlanner:
    """The planner over the shipped roadmap and curriculum data (no index needed).

    Pass the embedder the tutor already loaded to share it; otherwise it loads on
    the first free-text goal.
    """
    tree = SkillTree.from_file(settings.seeds[0])
    factory = (
        (lambda: embeddings)
        if embeddings is not None
        else (lambda: load_embeddings(batch_size=settings.embed_batch_size))
    )
    entries = load_entries(settings.topics)
    return StudyPlanner(
        Curriculum.load(tree, settings.curriculum, entries),
        embeddings=factory,
        entries=entries,
        cache_dir=settings.home / "cache",
    )


def build_coach(
    settings: Settings, planner: StudyPlanner | None = None, embeddings: Embeddings | None = None
) -> Coach:
    """The learner coach over the store TUTOR_DATABASE_URL names, migrated on open.

    The grader's embedder loads on the first free-text answer unless one is passed.
    """
    planner = planner or build_study_planner(settings, embeddings)
    bank = ItemBank.load(planner.tree, settings.cards, seeds_dir() / "topics")
    store = LearnerStore(Database.open(settings.learners_url))

    def grader() -> Grader:
        model = embeddings or load_embeddings(batch_size=settings.embed_batch_size)
        return Grader(bank, model.embed_documents)

    return Coach(store, bank, planner.curriculum, grader, goal_targets=planner.targets)


@dataclass
class Parts:
    """The tutor's parts for one process, each built on first use and then shared."""

    settings: Settings

    @cached_property
    def retriever(self) -> Retriever:
        return open_retriever(self.settings)

    @cached_property
    def tutor(self) -> Tutor:
        return build_tutor(self.settings, retriever=self.retriever)

    @cached_property
    def planner(self) -> StudyPlanner:
        # Plans need no index; share the embedder when the retriever already loaded it.
        retriever = self.__dict__.get("retriever")
        return build_study_planner(self.settings, retriever.embeddings if retriever else None)

    @cached_property
    def learners(self) -> Coach:
        """The learner store and everything built on it; shares the planner and, once loaded, the embedder."""
        retriever = self.__dict__.get("retriever")
        return build_coach(self.settings, self.planner, retriever.embeddings if retriever else None)
