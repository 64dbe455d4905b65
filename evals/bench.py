"""Speed figures for the README and release notes: `python -m evals.bench`.

Everything runs in one process on a fresh TUTOR_HOME, so the figures are
comparable: full and no-op ingest, retrieval latency, time to the composed
answer, to the model's first token and to the complete answer, and generation
speed through the tutor against a plain llama-cpp-python `Llama` built apart,
on every core, on the very same prompts and sampling seed (so both write the
same tokens), in alternating order, pooled over all answers. The last line is
one JSON object with the headline figures. Timings on shared machines are
noisy: read them as ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from evals.scorers import percentile

QUESTIONS = [
    "What is KL divergence and where does it fit?",
    "What is the bias-variance trade-off?",
    "What should I learn about Kubernetes?",
    "How does gradient descent work?",
    "What is a Docker image?",
    "Why do we split data into training, validation and test sets?",
]
DATASET = Path(__file__).parent / "datasets" / "retrieval.yaml"
ROUNDS = 2  # of the generation comparison, the order of the two sides swapped in the second
SEED = 0  # the sampling seed both sides start each generation from


def time_serve(home: str) -> float:
    """Seconds from launching `tutor serve` to its ready line."""
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TUTOR_HOME": home, "TUTOR_PORT": str(port)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "tutor"), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in process.stdout:
            if "ready at" in line:
                return time.perf_counter() - started
        raise RuntimeError("tutor serve exited before it was ready")
    finally:
        process.terminate()
        process.wait(timeout=30)


def raw_llama(model_path: Path, n_ctx: int):
    """The baseline: plain llama-cpp-python, built apart from the tutor's, on every core.

    Its own `Llama`, with the thread counts set explicitly, so a setting the tutor
    gets wrong (llama-cpp-python's default is half the cores) shows as a ratio
    below 1 instead of being shared by both sides.
    """
    from llama_cpp import Llama

    threads = os.cpu_count() or 1
    llama = Llama(
        model_path=str(model_path),
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        seed=0,
        verbose=False,
    )
    return llama, threads


@dataclass(frozen=True)
class Stream:
    """One timed stream of generated pieces: ms to the first, then how many and how long they took."""

    first_ms: float
    pieces: int
    span_s: float  # from the first piece to the last

    @property
    def rate(self) -> float:
        """Pieces per second after the first (nan for fewer than two)."""
        return (self.pieces - 1) / self.span_s if self.pieces > 1 and self.span_s > 0 else float("nan")


def time_stream(pieces) -> Stream:
    """Time a stream of generated pieces (the first one waits for the prompt to be read)."""
    started = time.perf_counter()
    stamps = [time.perf_counter() - started for _ in pieces]
    if not stamps:
        return Stream(float("nan"), 0, 0.0)
    return Stream(stamps[0] * 1000, len(stamps), stamps[-1] - stamps[0])


def pooled_rate(runs: list[Stream]) -> float:
    """Pieces per second over all runs together: long answers weigh more than an 8-token one."""
    pieces = sum(r.pieces - 1 for r in runs if r.pieces > 1)
    span = sum(r.span_s for r in runs if r.pieces > 1)
    return pieces / span if span > 0 else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-serve", action="store_true", help="skip the `tutor serve` start-up timing")
    args = parser.parse_args(argv)

    from app.core.settings import Settings
    from app.llm.backend import build_backend
    from app.wiring import build_tutor, open_retriever, prepare_answers, prepare_process
    from ingest.sync import ingest

    prepare_process()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        full = ingest(settings, progress=False)
        rows.append(("full ingest (fresh index)", f"{full.seconds:.1f} s for {full.chunks} chunks"))
        noop = ingest(settings, progress=False)
        rows.append(("re-ingest, nothing changed", f"{noop.seconds:.2f} s ({noop.added} embedded)"))
        started = time.perf_counter()
        prepared = prepare_answers(settings, progress=False)  # as `tutor ingest` does
        rows.append(("answer sentences prepared", f"{time.perf_counter() - started:.1f} s for {prepared}"))

        retriever = open_retriever(settings)
        cases = [c["question"] for c in yaml.safe_load(DATASET.read_text())["cases"][:60]]
        retriever.search(cases[0], 5)  # warm-up
        retrieve_ms = []
        for question in cases:
            t = time.perf_counter()
            retriever.search(question, 5)
            retrieve_ms.append((time.perf_counter() - t) * 1000)
        rows.append(
            (
                "retrieve latency",
                f"p50 {percentile(retrieve_ms, 50):.0f} ms, p95 {percentile(retrieve_ms, 95):.0f} ms",
            )
        )

        backend = build_backend(settings)
        tutor = build_tutor(settings, retriever, backend)
        tutor.ask("What is a neural network?")  # warm-up
        answers = [tutor.ask(q) for q in QUESTIONS]
        first_text = [a.timings_ms["first_text"] for a in answers]
        total = [a.timings_ms["total"] for a in answers]
        rows.append(
            (
                "answers as configured: first text / complete, p50",
                f"{percentile(first_text, 50):.0f} ms / {percentile(total, 50):.0f} ms over {len(answers)} "
                f"questions (the model {'adds' if settings.model_may_add else 'is not asked'})",
            )
        )
        # The same questions with the model asked to add (off by default for the bundled model).
        adding = build_tutor(settings.model_copy(update={"model_adds": True}), retriever, backend)
        adding.ask("What is a neural network?")  # warm-up: loads the model
        added = [adding.ask(q) for q in QUESTIONS]
        first_token = [a.timings_ms["first_token"] for a in added if "first_token" in a.timings_ms]
        total_added = [a.timings_ms["total"] for a in added]
        rows.append(
            (
                "answers with the model adding: first token / complete, p50",
                f"{percentile(first_token, 50):.0f} ms / {percentile(total_added, 50):.0f} ms",
            )
        )

        # Generation speed on the very same prompts: through the tutor's chain (LangChain, queue,
        # the tutor's Llama) and through a separate plain Llama. Both start from an empty cache and
        # the same sampling seed, so they write the very same tokens and only the speed differs;
        # the order alternates between rounds, so neither side always runs on a warmer machine.
        raw, threads = raw_llama(backend.model.model_path, settings.n_ctx)
        mine = backend.model.llama
        tutor_runs, raw_runs = [], []
        for round_ in range(ROUNDS):
            for question, answer in zip(QUESTIONS, added):
                values = {"question": question, "hits": answer.retrieved, "history": []}
                prompt = tutor.render(question, answer.retrieved, [])

                def through_tutor(values=values):
                    mine.reset()
                    mine.set_seed(SEED)
                    return time_stream(c for c in tutor.chain.stream(values) if c.text)

                def through_raw(prompt=prompt):
                    raw.reset()
                    raw.set_seed(SEED)
                    pieces = raw.create_completion(
                        prompt,
                        max_tokens=settings.max_tokens,
                        temperature=settings.temperature,
                        repeat_penalty=1.1,
                        stop=tutor.answer_prompt.stop,
                        stream=True,
                    )
                    return time_stream(p for p in pieces if p["choices"][0]["text"])

                if round_ % 2:
                    raw_run, tutor_run = through_raw(), through_tutor()
                else:
                    tutor_run, raw_run = through_tutor(), through_raw()
                tutor_runs.append(tutor_run)
                raw_runs.append(raw_run)
                rows.append(
                    (
                        f"generation, round {round_ + 1}: {question}",
                        f"tutor {tutor_run.rate:.1f} tok/s ({tutor_run.pieces}), "
                        f"raw {raw_run.rate:.1f} tok/s ({raw_run.pieces})",
                    )
                )

        if not args.no_serve:
            rows.append(("`tutor serve` start to ready", f"{time_serve(home):.1f} s"))

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    tutor_tok_s, raw_tok_s = pooled_rate(tutor_runs), pooled_rate(raw_runs)
    print(
        json.dumps(
            {
                "tutor_tok_s": round(tutor_tok_s, 1),
                "raw_tok_s": round(raw_tok_s, 1),
                "raw_threads": threads,
                "ratio": round(tutor_tok_s / raw_tok_s, 3),
                "first_token_p50_ms": round(percentile(first_token, 50), 1),
                "answer_p50_ms": round(percentile(total, 50), 1),
                "answer_with_model_p50_ms": round(percentile(total_added, 50), 1),
                "retrieve_p50_ms": round(percentile(retrieve_ms, 50), 1),
                "first_text_p50_ms": round(percentile(first_text, 50), 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
