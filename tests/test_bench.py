"""evals/bench.py: its generation comparison is fair, so its ratio says something about the tutor.

The tutor's chain and the separate raw `Llama` must write the very same tokens
from the same prompt and seed; otherwise the ratio compares answers of
different lengths (a longer one runs with a fuller cache) and sampling noise,
not speed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from app.core.settings import Settings
from evals.bench import SEED, Stream, pooled_rate, raw_llama, time_stream


def test_a_stream_is_timed_from_its_first_piece() -> None:
    run = time_stream(iter("abcd"))
    assert run.pieces == 4
    assert run.first_ms >= 0 and run.span_s >= 0
    assert math.isnan(time_stream(iter("")).rate)
    assert math.isnan(Stream(5.0, 1, 0.0).rate)


def test_the_pooled_rate_weighs_long_answers_more() -> None:
    runs = [Stream(1.0, 81, 2.0), Stream(1.0, 9, 0.5)]  # 40 and 16 pieces per second
    assert pooled_rate(runs) == pytest.approx(88 / 2.5)
    assert math.isnan(pooled_rate([Stream(1.0, 1, 0.0)]))


@pytest.mark.real_llm
def test_the_tutor_and_the_raw_baseline_write_the_same_tokens(tmp_path: Path) -> None:
    from langchain_core.messages import HumanMessage

    from app.llm.backend import build_backend

    settings = Settings(home=tmp_path, max_tokens=24)
    chat = build_backend(settings).model
    raw, threads = raw_llama(chat.model_path, settings.n_ctx)
    assert threads == chat.threads  # the baseline is not left on half the cores
    prompt = "Question: what is a Docker image?\n\nAnswer:"

    def through_tutor() -> str:
        chat.llama.reset()
        chat.llama.set_seed(SEED)
        return "".join(c.text for c in chat.stream([HumanMessage(prompt)]))

    def through_raw() -> str:
        raw.reset()
        raw.set_seed(SEED)
        out = raw.create_completion(
            prompt, max_tokens=24, temperature=settings.temperature, repeat_penalty=1.1
        )
        return out["choices"][0]["text"]

    first = through_tutor()
    assert first
    assert through_raw() == first
    assert through_tutor() == first  # and again, after the tutor's model has generated before
