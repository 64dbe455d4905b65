"""app/llm.py and app/llamacpp.py, without loading a model (the real one runs in test_e2e and others).

Thread safety is checked against a stand-in for llama-cpp-python's `Llama` that notices
any two threads inside it at once.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

import app.llm
from app.errors import TutorError
from app.llamacpp import LlamaCppChat, gemma_prompt
from app.model_queue import ahead_in


def test_the_real_llm_is_forbidden_without_the_marker(make_settings) -> None:
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.real_llm"):
        app.llm.build_backend(make_settings())
    chat = LlamaCppChat(model_path=Path("model.gguf"))
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.real_llm"):
        chat.count_tokens("hello")


def test_the_chat_model_loads_nothing_until_used(tmp_path: Path) -> None:
    chat = LlamaCppChat(model_path=tmp_path / "absent.gguf", n_ctx=1024, max_tokens=64)
    assert chat._llama is None
    assert (chat.n_ctx, chat.max_tokens, chat.prompt_format) == (1024, 64, "completion")


def test_gemma_prompt_uses_gemma_turns() -> None:
    messages = [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello"), HumanMessage("Bye")]
    assert gemma_prompt(messages) == (
        "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
        "<start_of_turn>model\nHello<end_of_turn>\n"
        "<start_of_turn>user\nBye<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_openai_backend_needs_a_url_and_a_model(make_settings) -> None:
    with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL"):
        app.llm.check_backend_settings(make_settings(llm="openai", openai_model="llama3.2"))
    with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL and TUTOR_OPENAI_MODEL"):
        app.llm.check_backend_settings(make_settings(llm="openai", openai_base_url="http://x/v1"))


def test_a_missing_gguf_file_is_a_user_error(make_settings, tmp_path: Path) -> None:
    with pytest.raises(TutorError, match="no such GGUF file"):
        app.llm.check_backend_settings(make_settings(model_path=tmp_path / "absent.gguf"))


def test_openai_backend_counts_with_tiktoken(make_settings, count_tiktoken) -> None:
    settings = make_settings(
        llm="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="llama3.2", n_ctx=4096
    )
    backend = app.llm._openai(settings)  # builds a client; sends nothing
    assert backend.name == "openai:llama3.2"
    assert backend.context_tokens == 4096
    assert backend.count_tokens("hello world") == count_tiktoken("hello world") == 2


# --- one model, many threads ------------------------------------------------------------


def test_generations_and_token_counts_from_many_threads_never_overlap(chat: LlamaCppChat) -> None:
    prompts = [f"question {n}" for n in range(6)]
    with ThreadPoolExecutor(12) as pool:
        answers = pool.map(lambda p: chat.invoke([HumanMessage(p)]).content, prompts)
        counts = pool.map(lambda n: chat.count_tokens("a b c " * n), range(40))
        assert list(answers) == ["one two three "] * len(prompts)
        assert list(counts) == [3 * n for n in range(40)]
    llama = chat._llama
    assert llama.overlaps == 0
    # Each generation ran start to end before the next began: its steps are contiguous.
    runs = [llama.steps[i : i + 3] for i in range(0, len(llama.steps), 3)]
    assert sorted(run[0] for run in runs) == sorted(prompts)
    assert all(len(set(run)) == 1 for run in runs)


def test_a_waiting_generation_reports_its_place_in_line(
    chat: LlamaCppChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.llamacpp.WAIT_REPORT_S", 0.01)
    chunks: list = []
    with chat.queue.turn():  # someone else's generation holds the model
        reader = threading.Thread(target=lambda: chunks.extend(chat.stream("question")))
        reader.start()
        while not chunks:
            time.sleep(0.005)
        assert chunks[0].content == ""
        assert ahead_in(chunks[0].response_metadata) == 1
    reader.join(timeout=10)
    assert "".join(c.content for c in chunks) == "one two three "
    assert [ahead_in(c.response_metadata) for c in chunks if c.content] == [None, None, None]


def test_a_reader_that_stops_early_ends_the_generation_and_frees_the_model(chat: LlamaCppChat) -> None:
    stream = chat.stream("question")
    assert next(stream).content == "one "
    assert len(chat.queue) == 1
    stream.close()
    assert chat._llama.closed == 1
    assert len(chat.queue) == 0
