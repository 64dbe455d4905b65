"""app/llm/llamacpp.py without loading a model (the real one runs in test_e2e and others).

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

from app.llm.llamacpp import LlamaCppChat, gemma_prompt
from app.llm.queue import ahead_in


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
    monkeypatch.setattr("app.llm.llamacpp.WAIT_REPORT_S", 0.01)
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
