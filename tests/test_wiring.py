"""app/wiring.py: wiring the tutor from settings."""

from __future__ import annotations

import pytest

from app.core.errors import IndexMissingError
from app.llm.backend import Backend
from app.wiring import build_tutor, open_retriever


def test_no_index_is_a_user_error_that_creates_nothing(make_settings) -> None:
    settings = make_settings()
    with pytest.raises(IndexMissingError, match="no index yet: run 'tutor ingest' first"):
        open_retriever(settings)
    assert not settings.chroma_dir.exists()


def test_a_missing_index_fails_before_the_model_is_built(make_settings) -> None:
    # build_backend is forbidden in this test: reaching it would raise RealLLMForbidden.
    with pytest.raises(IndexMissingError):
        build_tutor(make_settings())


def test_open_retriever_uses_the_settings(mini_index, shared_embedder) -> None:
    settings = mini_index.settings.model_copy(update={"min_relevance": 0.4, "min_lexical_coverage": 0.7})
    retriever = open_retriever(settings)
    assert (retriever.min_relevance, retriever.min_lexical) == (0.4, 0.7)
    assert len(retriever.chunks) == mini_index.report.chunks
    assert retriever.embeddings is shared_embedder


def test_build_tutor_sizes_the_prompt_from_the_backend(mini_index, retriever, script, count_tiktoken) -> None:
    settings = mini_index.settings.model_copy(update={"max_tokens": 150, "top_k": 3, "prompt_tokens": 2000})
    backend = Backend(script(), count_tiktoken, 1024, "scripted")
    tutor = build_tutor(settings, retriever, backend)
    assert tutor.prompt_budget == 1024 - 150 - 32  # what the context leaves, under the cap
    assert tutor.top_k == 3
    assert tutor.retriever is retriever
    assert tutor.count_tokens is count_tiktoken


@pytest.mark.parametrize(
    ("update", "budget"),
    [
        ({}, 512),  # llama.cpp on the CPU: the model's first token waits for the whole prompt
        ({"prompt_tokens": 300}, 300),
        ({"llm": "openai", "openai_base_url": "http://localhost:1/v1", "openai_model": "m"}, 1024 - 80 - 32),
    ],
)
def test_the_answer_prompt_is_capped_for_llama_cpp(
    mini_index, retriever, script, count_tiktoken, update, budget
) -> None:
    settings = mini_index.settings.model_copy(update={"max_tokens": 80, **update})
    tutor = build_tutor(settings, retriever, Backend(script(), count_tiktoken, 1024, "scripted"))
    assert tutor.prompt_budget == budget
