"""Retrieval hit rate on the hand-written questions: `python -m evals.hit_rate`.

A hit is a retrieved chunk whose heading path starts with one of the case's
expected paths. `dev` cases may be tuned on; `test` cases are report-only
(see the dataset's description).
Needs an index (`tutor ingest`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

DATASET = Path(__file__).parent / "datasets" / "retrieval.yaml"


def is_hit(path: tuple[str, ...], expected: list[list[str]]) -> bool:
    return any(tuple(path[: len(e)]) == tuple(e) for e in expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the questions missed at k=3")
    args = parser.parse_args(argv)

    from app.components import open_retriever, prepare_process
    from app.settings import Settings

    prepare_process()
    retriever = open_retriever(Settings())
    cases = yaml.safe_load(DATASET.read_text(encoding="utf-8"))["cases"]
    for split in ("dev", "test"):
        chosen = [c for c in cases if c["split"] == split]
        ranks = []
        for case in chosen:
            hits = retriever.search(case["question"], 5)
            rank = next((i for i, h in enumerate(hits, 1) if is_hit(h.chunk.path, case["expected"])), None)
            ranks.append(rank)
            if args.misses and (rank is None or rank > 3):
                print(f"  miss ({split}): {case['question']}")
        line = ", ".join(
            f"hit@{k} {sum(r is not None and r <= k for r in ranks) / len(ranks):.1%}" for k in (1, 3, 5)
        )
        print(f"{split:<5} ({len(chosen)} questions): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
