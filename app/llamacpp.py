"""A LangChain chat model over llama-cpp-python, speaking Gemma's turn format.

The bundled Gemma 3 270M GGUF carries no chat template; llama-cpp-python then
falls back to a Llama-2 format that this model never saw, and it loops. So the
prompt is written here in Gemma's own markers, and generation stops at the
turn boundary.

llama.cpp contexts are not thread-safe: one lock serialises all calls, so
concurrent users queue instead of corrupting each other's generation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

TURN_START, TURN_END = "<start_of_turn>", "<end_of_turn>"
STOP = [TURN_END, TURN_START]


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
    n_threads: int | None = None
    max_tokens: int = 200
    temperature: float = 0.2
    repeat_penalty: float = 1.1
    seed: int = 0
    # "completion": the messages' text as one document the model continues (for base
    # models such as the bundled Gemma 3 270M); "gemma": Gemma's chat turns (for -it models).
    prompt_format: Literal["completion", "gemma"] = "completion"

    model_config = ConfigDict(arbitrary_types_allowed=True)
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-gemma"

    @property
    def llama(self) -> Any:
        """The loaded model; loaded on first use so construction is cheap."""
        with self._lock:
            if self._llama is None:
                import logging

                from llama_cpp import Llama

                # llama.cpp logs notes such as its SWA-cache choice even when not verbose.
                logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)

                self._llama = Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
            return self._llama

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's own tokenizer."""
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=True, special=True))

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
        llama = self.llama
        prompt = (
            gemma_prompt(messages)
            if self.prompt_format == "gemma"
            else "\n\n".join(str(m.content) for m in messages)
        )
        with self._lock:
            stream = llama.create_completion(
                prompt,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                repeat_penalty=self.repeat_penalty,
                stop=(STOP if self.prompt_format == "gemma" else []) + list(stop or []),
                stream=True,
            )
            for part in stream:
                delta = part["choices"][0]["text"]
                if not delta:
                    continue
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk
