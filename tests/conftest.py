"""Shared fixtures: isolated state, the real embedder and index, a scripted chat model.

Every test runs with TUTOR_HOME in its own temp dir. The embedder loads once
per session and the fixture curriculum (tests/data/mini-roadmap.md) is
ingested once into a session dir for the read-only tests; tests that change an
index build their own. A real LLM is forbidden unless a test is marked
`real_llm`: the unit tests script the model instead.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field

from app.settings import PROJECT_ROOT, Settings

DATA_DIR = Path(__file__).parent / "data"
MINI_ROADMAP = DATA_DIR / "mini-roadmap.md"
MINI_CARDS = DATA_DIR / "cards"
NO_CARDS = DATA_DIR / "no-cards"  # does not exist: an index of the roadmap alone
REAL_ROADMAP = PROJECT_ROOT / "seeds" / "ai-engineer-skills.md"
TUTOR_BIN = Path(sys.executable).with_name("tutor")


def pytest_configure(config: pytest.Config) -> None:
    # The `real_llm` switch must exist even where pyproject does not declare it.
    if not any(line.startswith("real_llm:") for line in config.getini("markers")):
        config.addinivalue_line(
            "markers", "real_llm: may load the real LLM (without it, building a backend fails the test)"
        )


# --- isolation ----------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _offline_session_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No TUTOR_* setting leaks in from the developer's shell; libraries stay offline.

    TUTOR_TEST_* variables are for the tests themselves (e.g. TUTOR_TEST_CHROMA_URL, a
    Chroma server that CI started) and are no setting of the tutor's.
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("TUTOR_") and not n.startswith("TUTOR_TEST_")]:
            mp.delenv(name)
        mp.setenv("TUTOR_HOME", str(tmp_path_factory.mktemp("session-home")))
        for name, value in {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TRANSFORMERS_VERBOSITY": "error",
            "TOKENIZERS_PARALLELISM": "false",
            "ANONYMIZED_TELEMETRY": "False",
        }.items():
            mp.setenv(name, value)
        yield


@pytest.fixture(autouse=True)
def tutor_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test's own TUTOR_HOME: nothing a test stores outlives it."""
    home = tmp_path / "tutor-home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    return home


class RealLLMForbidden(RuntimeError):
    """Raised when a test not marked `real_llm` tries to build or load the real model."""


@pytest.fixture(autouse=True)
def _forbid_real_llm(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_llm"):
        return

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise RealLLMForbidden(f"{request.node.nodeid} uses the real LLM; mark it @pytest.mark.real_llm")

    # app.components first: patching it may import it, and it must then bind the real
    # app.llm.build_backend, or the undo at teardown would "restore" this test's stand-in.
    monkeypatch.setattr("app.components.build_backend", forbidden)
    monkeypatch.setattr("app.llm.build_backend", forbidden)
    monkeypatch.setattr("llama_cpp.Llama", forbidden)


@pytest.fixture(scope="session")
def mini_roadmap() -> Path:
    """The fixture curriculum: overview outline, two areas, a long section, duplicate headings."""
    return MINI_ROADMAP


@pytest.fixture(scope="session")
def real_roadmap() -> Path:
    """The roadmap the tutor ships with."""
    return REAL_ROADMAP


# --- the real embedder and token counters ---------------------------------------------


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2 embedder, loaded once."""
    from ingest.embed import load_embeddings

    return load_embeddings()


@pytest.fixture(scope="session")
def count_embedder_tokens() -> Callable[[str], int]:
    from ingest.embed import embedder_token_counter

    return embedder_token_counter()


@pytest.fixture(scope="session")
def count_tiktoken() -> Callable[[str], int]:
    from ingest.embed import tiktoken_counter

    return tiktoken_counter()


@pytest.fixture
def shared_embedder(monkeypatch: pytest.MonkeyPatch, embeddings) -> Any:
    """Ingest and the components reuse the session's embedder instead of loading it again."""
    monkeypatch.setattr("ingest.sync.load_embeddings", lambda **kwargs: embeddings)
    monkeypatch.setattr("app.components.load_embeddings", lambda **kwargs: embeddings)
    return embeddings


# --- indexes --------------------------------------------------------------------------


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings with state under this test's tmp dir; the fixture curriculum is the seed."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "home": tmp_path / "home",
            "seeds": [MINI_ROADMAP],
            "cards": NO_CARDS,
            "chroma_url": None,
        }
        values.update(overrides)
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
        home=tmp_path_factory.mktemp("mini-index"), seeds=[MINI_ROADMAP], cards=NO_CARDS, chroma_url=None
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("ingest.sync.load_embeddings", lambda **kwargs: embeddings)
        report = ingest(settings, progress=False)
    return BuiltIndex(settings, report)


@pytest.fixture(scope="session")
def mini_chunks(count_embedder_tokens, count_tiktoken):
    """The fixture curriculum's chunks, as ingest produces them."""
    from ingest.sync import chunk_file

    return chunk_file(MINI_ROADMAP)


@pytest.fixture(scope="session")
def retriever(mini_index: BuiltIndex, embeddings):
    """A real hybrid retriever over the session index."""
    from app.retrieve import Retriever
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
    from app.retrieve import Hit
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


# --- a scripted chat model ------------------------------------------------------------


class ScriptedChatModel(GenericFakeChatModel):
    """LangChain's fake chat model that also records every prompt and stop list it received."""

    prompts: list[str] = Field(default_factory=list)
    stops: list[list[str] | None] = Field(default_factory=list)

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> ChatResult:
        self.prompts.append("\n\n".join(str(m.content) for m in messages))
        self.stops.append(stop)
        return super()._generate(messages, stop=stop, **kwargs)


@pytest.fixture
def script() -> Callable[..., ScriptedChatModel]:
    """`script("reply 1", "reply 2")`: a chat model that answers with these replies in turn."""

    def make(*replies: str) -> ScriptedChatModel:
        return ScriptedChatModel(messages=iter(replies))

    return make


@pytest.fixture
def make_tutor(retriever, count_tiktoken) -> Callable[..., Any]:
    """A Tutor over the session index with the given (scripted) model."""
    from app.tutor import Tutor

    def make(llm: Any, **options: Any) -> Tutor:
        options.setdefault("top_k", 4)
        return Tutor(retriever, llm, count_tiktoken, **options)

    return make


# --- llama-cpp-python, scripted -----------------------------------------------------


class FakeLlama:
    """Stands in for llama_cpp.Llama; counts any moment two threads are inside it at once."""

    WORDS = ("one ", "two ", "three ")

    def __init__(self) -> None:
        self.inside = 0
        self.overlaps = 0
        self.steps: list[str] = []  # the prompt of each generation step, in order
        self.closed = 0
        self._guard = threading.Lock()

    @contextmanager
    def _call(self) -> Iterator[None]:
        with self._guard:
            self.inside += 1
            self.overlaps += self.inside > 1
        try:
            time.sleep(0.002)  # long enough for another thread to walk in, if it could
            yield
        finally:
            with self._guard:
                self.inside -= 1

    def tokenize(self, data: bytes, add_bos: bool = True, special: bool = True) -> list[int]:
        with self._call():
            return list(range(len(data.split())))

    def create_completion(self, prompt: str, **options: object) -> Iterator[dict]:
        def steps() -> Iterator[dict]:
            try:
                for word in self.WORDS:
                    with self._call():
                        self.steps.append(prompt)
                    yield {"choices": [{"text": word}]}
            finally:
                self.closed += 1

        return steps()


@pytest.fixture
def chat(tmp_path: Path):
    """The real `LlamaCppChat`, locks and queue included, over a `FakeLlama`."""
    from app.llamacpp import LlamaCppChat

    model = LlamaCppChat(model_path=tmp_path / "model.gguf")
    model._llama = FakeLlama()
    return model


# --- the command line -----------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_tutor(*args: str, home: Path, timeout: float = 300, **env: str) -> CliResult:
    """Run the installed `tutor` script with TUTOR_HOME=home (plus TUTOR_* overrides in env)."""
    full_env = {**os.environ, "TUTOR_HOME": str(home), **env}
    done = subprocess.run(
        [str(TUTOR_BIN), *args],
        env=full_env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def tutor_cli() -> Callable[..., CliResult]:
    """`tutor_cli("retrieve", "--json", "Q", home=path, TUTOR_X="1")` runs the real `tutor` script."""
    return run_tutor


@pytest.fixture(scope="session")
def kill_ingest_midway() -> Callable[..., str]:
    """`kill_ingest_midway(*paths, home=path, TUTOR_X="1")` starts `tutor ingest PATHS` and
    SIGKILLs it once its progress bar shows chunks embedded; returns what it printed."""

    def run(*paths: str, home: Path, timeout: float = 300, **env: str) -> str:
        process = subprocess.Popen(
            [str(TUTOR_BIN), "ingest", *paths],
            env={**os.environ, "TUTOR_HOME": str(home), **env},
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seen = b""
        deadline = time.monotonic() + timeout
        try:
            # tqdm redraws "embedding:  8%|▊   | 32/400 [...]" with carriage returns.
            while not re.search(rb"embedding: +\d+%\|[^|]*\| *[1-9]\d*/\d+", seen):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"ingest never showed progress: {seen[-800:]!r}")
                if select.select([process.stderr], [], [], 0.5)[0]:
                    seen += os.read(process.stderr.fileno(), 65536)
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=30)
            process.stderr.close()
        assert process.returncode == -signal.SIGKILL, seen[-800:]
        return seen.decode("utf-8", "replace")

    return run


# --- a live `tutor serve` ---------------------------------------------------------------


@pytest.fixture(scope="session")
def live_tutor(tmp_path_factory: pytest.TempPathFactory):
    """`tutor serve` over the real roadmap, cards and UNTRUSTED_DOC, with the bundled model and a login.

    Short answers (16 tokens, 2 excerpts) keep the browser and concurrency tests quick;
    everything else is the default configuration.
    """
    from live import LIVE_API_KEY, LIVE_LOGIN, UNTRUSTED_DOC, start_serve

    home = tmp_path_factory.mktemp("live-home")
    ingested = run_tutor("ingest", "--quiet", str(UNTRUSTED_DOC), home=home, timeout=900)
    assert ingested.returncode == 0, ingested.stderr
    server = start_serve(
        home,
        home / "serve.log",
        TUTOR_MAX_TOKENS="16",
        TUTOR_TOP_K="2",
        TUTOR_AUTH=":".join(LIVE_LOGIN),
        TUTOR_OPENAI_API_KEY=LIVE_API_KEY,
    )
    yield server
    server.stop()


_REPORT = pytest.StashKey[list[str]]()


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """`report("line")`: a line for the end of the test run (figures, artifact paths)."""
    return request.config.stash.setdefault(_REPORT, []).append


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("live server figures and artifacts")
        for line in lines:
            terminalreporter.write_line(line)
