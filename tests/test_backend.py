"""app/llm/backend.py: the backend from settings, and the switch that forbids the real model in tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.llm.backend
from app.core.errors import TutorError
from app.llm.llamacpp import LlamaCppChat


def test_the_real_llm_is_forbidden_without_the_marker(make_settings) -> None:
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.real_llm"):
        app.llm.backend.build_backend(make_settings())
    chat = LlamaCppChat(model_path=Path("model.gguf"))
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.real_llm"):
        chat.count_tokens("hello")


def test_openai_backend_needs_a_url_and_a_model(make_settings) -> None:
    with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL"):
        app.llm.backend.check_backend_settings(make_settings(llm="openai", openai_model="llama3.2"))
    with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL"):
        app.llm.backend.check_backend_settings(make_settings(llm="openai", openai_base_url="http://x/v1"))


def test_a_missing_gguf_file_is_a_user_error(make_settings, tmp_path: Path) -> None:
    with pytest.raises(TutorError, match="no such GGUF file"):
        app.llm.backend.check_backend_settings(make_settings(model_path=tmp_path / "absent.gguf"))


def test_openai_backend_counts_with_tiktoken(make_settings, count_tiktoken) -> None:
    settings = make_settings(
        llm="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="llama3.2", n_ctx=4096
    )
    backend = app.llm.backend._openai(settings)  # builds a client; sends nothing
    assert backend.name == "openai:llama3.2"
    assert backend.context_tokens == 4096
    assert backend.count_tokens("hello world") == count_tiktoken("hello world") == 2


# --- one model, many threads ------------------------------------------------------------
