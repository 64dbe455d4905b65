"""A LangChain chat model over llama-cpp-python, speaking Gemma's turn format.

The bundled Gemma 3 270M GGUF carries no chat template; llama-cpp-python then
falls back to a Llama-2 format that this model never saw, and it loops. So the
prompt is written here in Gemma's own markers, and generation stops at the
turn boundary.

llama.cpp is not thread-safe, and a context holds one generation's state. So
every call into it (loading, tokenizing, each step of a generation) holds one
lock, and each generation holds a turn in a first-come, first-served
`ModelQueue` for its whole length. While a generation waits for its turn, its
stream reports how many are ahead (empty chunks marked by `waiting_metadata`),
so the chat can show it. Token counts wait only for the current step, not for
the queue: the model's vocabulary does not change while it generates.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from app.llm.queue import ModelQueue, waiting_metadata

TURN_START, TURN_END = "<start_of_turn>", "<end_of_turn>"
STOP = [TURN_END, TURN_START]
WAIT_REPORT_S = 0.5  # how often a waiting generation re-checks its place in line


def gemma_prompt(messages: Sequence[BaseMessage]) -> str:
    """Render messages as Gemma turns; Gemma has no system role, so system text opens the first user turn."""
    system = "\n\n".join(str(m.content) for m in messages if isinstance(m, SystemMessage))
    turns: list[str] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            continue
        role = "model" if isinstance(message, AIMessage) else "user"
        text = str(message.content)
        if system and role == "user":
            text, system = f"{system}\n\n{text}", ""
        turns.append(f"{TURN_START}{role}\n{text}{TURN_END}\n")
    return "".join(turns) + f"{TURN_START}model\n"


class LlamaCppChat(BaseChatModel):
    """Chat model backed by a local GGUF file through llama-cpp-python."""

    model_path: Path
    n_ctx: int = 2048
    n_threads: int | None = None  # None: every core (llama-cpp-python's own default is half of them)
    max_tokens: int = 200
    temperature: float = 0.2
    repeat_penalty: float = 1.1
    seed: int = 0
    # "completion": the messages' text as one document the model continues (for base
    # models such as the bundled Gemma 3 270M); "gemma": Gemma's chat turns (for -it models).
    prompt_format: Literal["completion", "gemma"] = "completion"

    model_config = ConfigDict(arbitrary_types_allowed=True)
    _llama: Any = PrivateAttr(default=None)
    _calls: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _queue: ModelQueue = PrivateAttr(default_factory=ModelQueue)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-gemma"

    @property
    def queue(self) -> ModelQueue:
        """The line of generations waiting for this model."""
        return self._queue

    @property
    def llama(self) -> Any:
        """The loaded llama-cpp-python model (for benchmarks: calls on it bypass the queue)."""
        with self._calls:
            return self._load()

    @property
    def threads(self) -> int:
        """Threads for generation and prompt reading: the setting, or every core."""
        return self.n_threads or os.cpu_count() or 1

    def load(self) -> None:
        """Load the weights now rather than on first use."""
        _ = self.llama

    def _load(self) -> Any:
        # Callers hold self._calls.
        if self._llama is None:
            import logging

            from llama_cpp import Llama

            # llama.cpp logs notes such as its SWA-cache choice even when not verbose.
            logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)

            threads = self.threads
            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,  # prompt reading too
                seed=self.seed,
                verbose=False,
            )
        return self._llama

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's own tokenizer."""
        with self._calls:
            return len(self._load().tokenize(text.encode("utf-8"), add_bos=True, special=True))

    def get_num_tokens(self, text: str) -> int:  # LangChain's default would fetch a GPT-2 tokenizer
        return self.count_tokens(text)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        prompt = (
            gemma_prompt(messages)
            if self.prompt_format == "gemma"
            else "\n\n".join(str(m.content) for m in messages)
        )
        with self._queue.turn() as turn:
            reported = None
            while not turn.wait(WAIT_REPORT_S):
                if turn.ahead != reported:
                    reported = turn.ahead
                    yield ChatGenerationChunk(
                        message=AIMessageChunk(content="", response_metadata=waiting_metadata(reported))
                    )
            with self._calls:
                stream = self._load().create_completion(
                    prompt,
                    max_tokens=kwargs.get("max_tokens", self.max_tokens),
                    temperature=kwargs.get("temperature", self.temperature),
                    repeat_penalty=self.repeat_penalty,
                    stop=(STOP if self.prompt_format == "gemma" else []) + list(stop or []),
                    stream=True,
                )
            try:
                while True:
                    # One lock per step, not per generation: a token count between steps is safe.
                    with self._calls:
                        part = next(stream, None)
                    if part is None:
                        break
                    delta = part["choices"][0]["text"]
                    if not delta:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
            finally:
                # A reader that stops early: end the generation here, not in the garbage collector.
                with self._calls:
                    stream.close()
