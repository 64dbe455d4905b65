"""Indexes for tests: settings under a temp dir, the fixture curriculum ingested once, a real retriever."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.core.resources import seeds_dir
from app.core.settings import Settings

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MINI_ROADMAP = DATA_DIR / "mini-roadmap.md"
MINI_CARDS = DATA_DIR / "cards"
NO_CARDS = DATA_DIR / "no-cards"  # does not exist: an index of the roadmap alone
NO_TOPICS = DATA_DIR / "no-topics"  # does not exist either: no topic entries
MINI_TOPICS = DATA_DIR / "topics"  # topic entries for the fixture curriculum


@pytest.fixture(scope="session")
def mini_roadmap() -> Path:
    """The fixture curriculum: overview outline, two areas, a long section, duplicate headings."""
    return MINI_ROADMAP


@pytest.fixture(scope="session")
def real_roadmap() -> Path:
    """The roadmap the tutor ships with."""
    return seeds_dir() / "ai-engineer-skills.md"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings with state under this test's tmp dir; the fixture curriculum is the seed.

    The fixture curriculum comes without topic entries; with the shipped roadmap as
    the seed, the shipped entries come with it (the curriculum's hours are split by them).
    """

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "home": tmp_path / "home",
            "seeds": [MINI_ROADMAP],
            "cards": NO_CARDS,
            "chroma_url": None,
        }
        values.update(overrides)
        shipped = values["seeds"][0] == seeds_dir() / "ai-engineer-skills.md"
        values.setdefault("topics", seeds_dir() / "topics" if shipped else NO_TOPICS)
        return Settings(**values)

    return make


@dataclass(frozen=True)
class BuiltIndex:
    settings: Settings
    report: Any  # ingest.sync.IngestReport of the first run


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory: pytest.TempPathFactory, embeddings) -> BuiltIndex:
    """The fixture curriculum ingested once into a session dir. Read-only for tests."""
    from ingest.sync import ingest

    settings = Settings(
        home=tmp_path_factory.mktemp("mini-index"),
        seeds=[MINI_ROADMAP],
        cards=NO_CARDS,
        topics=NO_TOPICS,
        chroma_url=None,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ingest.sync.load_embeddings", lambda **kwargs: embeddings)
        report = ingest(settings, progress=False)
    return BuiltIndex(settings, report)


@pytest.fixture(scope="session")
def topics_retriever(tmp_path_factory: pytest.TempPathFactory, embeddings):
    """A real retriever over the fixture curriculum with topic entries (tests/data/topics), and a
    document of the user's own without entries (tests/data/untrusted.md)."""
    from app.answer.retrieve import Retriever
    from ingest.index import open_index
    from ingest.sync import ingest

    settings = Settings(
        home=tmp_path_factory.mktemp("topics-index"),
        seeds=[MINI_ROADMAP, DATA_DIR / "untrusted.md"],
        cards=NO_CARDS,
        topics=MINI_TOPICS,
        chroma_url=None,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ingest.sync.load_embeddings", lambda **kwargs: embeddings)
        ingest(settings, progress=False)
    return Retriever(open_index(settings), embeddings)


@pytest.fixture(scope="session")
def mini_chunks(count_embedder_tokens, count_tiktoken):
    """The fixture curriculum's chunks, as ingest produces them."""
    from ingest.sync import chunk_file

    return chunk_file(MINI_ROADMAP)


@pytest.fixture(scope="session")
def retriever(mini_index: BuiltIndex, embeddings):
    """A real hybrid retriever over the session index."""
    from app.answer.retrieve import Retriever
    from ingest.index import open_index

    settings = mini_index.settings
    return Retriever(
        open_index(settings),
        embeddings,
        min_relevance=settings.min_relevance,
        min_lexical=settings.min_lexical_coverage,
    )


@pytest.fixture
def make_hit() -> Callable[..., Any]:
    """Build a retrieval hit by hand, for citation and grounding logic."""
    from app.answer.retrieve import Hit
    from ingest.store import StoredChunk

    def make(path: tuple[str, ...], text: str, score: float = 0.5, cid: str | None = None) -> Hit:
        chunk = StoredChunk(
            id=cid or "id-" + "-".join(path).lower().replace(" ", "-"),
            source="test.md",
            path=path,
            text=text,
            kind="section",
            tiktoken_tokens=len(text.split()),
        )
        return Hit(chunk, score)

    return make


@pytest.fixture
def make_tutor(retriever, count_tiktoken) -> Callable[..., Any]:
    """A Tutor over the session index with the given (scripted) model."""
    from app.answer.tutor import Tutor

    def make(llm: Any, **options: Any) -> Tutor:
        options.setdefault("top_k", 4)
        return Tutor(retriever, llm, count_tiktoken, **options)

    return make
