"""Speed figures for the README and release notes: `python -m evals.bench`.

Everything runs in one process on a fresh TUTOR_HOME, so the figures are
comparable: full and no-op ingest, retrieval latency, time to the lead and to
the model's first token, generation speed through the tutor, and raw
llama-cpp-python speed on the very same prompt as the baseline it is a ratio of.
Timings on shared machines are noisy: read them as ratios within one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from evals.scorers import percentile
from evals.suites import time_tutor

QUESTIONS = [
    "What is KL divergence and where does it fit?",
    "Which tools does the roadmap list for experiment tracking?",
    "What should I learn about Kubernetes?",
]
DATASET = Path(__file__).parent / "datasets" / "retrieval.yaml"


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


def time_raw(llama, prompt: str, settings, stop: list[str]) -> tuple[float, float]:
    """(ms to first token, tokens/s) of plain llama-cpp-python on the same prompt and settings.

    The KV cache is reset first: otherwise the prompt the tutor just sent is reused
    and the raw first token looks free.
    """
    llama.reset()
    started = time.perf_counter()
    stamps = [
        (time.perf_counter() - started) * 1000
        for _ in llama.create_completion(
            prompt,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            repeat_penalty=1.1,
            stop=stop,
            stream=True,
        )
    ]
    if len(stamps) < 2:
        return float("nan"), float("nan")
    return stamps[0], (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / 1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-serve", action="store_true", help="skip the `tutor serve` start-up timing")
    args = parser.parse_args(argv)

    from app.core.settings import Settings
    from app.llm.backend import build_backend
    from app.wiring import build_tutor, open_retriever, prepare_process
    from ingest.sync import ingest

    prepare_process()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        full = ingest(settings, progress=False)
        rows.append(("full ingest (fresh index)", f"{full.seconds:.1f} s for {full.chunks} chunks"))
        noop = ingest(settings, progress=False)
        rows.append(("re-ingest, nothing changed", f"{noop.seconds:.2f} s ({noop.added} embedded)"))

        retriever = open_retriever(settings)
        cases = [c["question"] for c in yaml.safe_load(DATASET.read_text())["cases"][:60]]
        retriever.search(cases[0], 5)  # warm-up
        latencies = []
        for question in cases:
            t = time.perf_counter()
            retriever.search(question, 5)
            latencies.append((time.perf_counter() - t) * 1000)
        rows.append(
            (
                "retrieve latency",
                f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms",
            )
        )

        backend = build_backend(settings)
        tutor = build_tutor(settings, retriever, backend)
        tutor.ask("What is a neural network?")  # warm-up: loads the model
        for question in QUESTIONS:
            lead, first, rate, answer = time_tutor(tutor, question)
            line = f"lead {lead:.0f} ms, first model token {first:.0f} ms, {rate:.1f} tok/s"
            if hasattr(backend.model, "llama"):
                prompt = tutor.render(question, answer.retrieved, [])
                raw_first, raw_rate = time_raw(
                    backend.model.llama, prompt, settings, tutor.answer_prompt.stop
                )
                line += (
                    f" | raw llama-cpp-python, same prompt, cold cache: first token {raw_first:.0f} ms, "
                    f"{raw_rate:.1f} tok/s | tutor/raw speed {rate / raw_rate:.2f}"
                )
            rows.append((f"ask: {question}", line))

        if not args.no_serve:
            rows.append(("`tutor serve` start to ready", f"{time_serve(home):.1f} s"))

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
