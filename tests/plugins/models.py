"""Models for tests: the real embedder and token counters, a scripted chat model, a fake llama.cpp."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field


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
    monkeypatch.setattr("app.wiring.load_embeddings", lambda **kwargs: embeddings)
    return embeddings


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
    from app.llm.llamacpp import LlamaCppChat

    model = LlamaCppChat(model_path=tmp_path / "model.gguf")
    model._llama = FakeLlama()
    return model
