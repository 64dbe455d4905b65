"""Grading a free-text answer by code: key terms plus embedding similarity, calibrated on labelled answers.

Each answer becomes a few numbers (`FEATURES`): how close it is in meaning to
the key (the embedder's cosine) and to the question, how many of the key's
answer-bearing terms it contains, the same for its first clause (where a
learner states the claim), whether it picks the other option of an "A or B?"
question, says yes where the key says no, says the contrary of a key term, or
is closer to a sibling topic's key than to its own, and whether it opens with
one of the key's or the question's words. A logistic model over
them gives the probability that the answer is right; its weights and the
threshold live in `grading.yaml`, fitted on the dev split of
evals/datasets/grading.yaml (`python -m evals.calibrate`). An answer that
says nothing ("idk") is wrong without a score. Multiple-choice answers are
compared with the right choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from app.learner import wording
from app.learner.items import Item, ItemBank

FEATURES = (
    "similarity",
    "question_similarity",
    "sibling_margin",
    "coverage",
    "head_coverage",
    "opposed",
    "choice",
    "yes_no",
    "numbers",
    "head_similarity",
    "precision",
    "lead",
)
MAX_RESPONSE = 2000


def default_calibration() -> Path:
    return Path(str(files("app.learner"))) / "grading.yaml"


@dataclass(frozen=True)
class Calibration:
    """A logistic model's weights per feature, its bias and the probability at which an answer passes."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        import yaml

        data = yaml.safe_load((path or default_calibration()).read_text(encoding="utf-8"))
        weights = {name: float(data["weights"][name]) for name in FEATURES}
        return cls(weights, float(data["bias"]), float(data.get("threshold", 0.5)))

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights[name] * features[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float  # probability that the answer is right (1.0 / 0.0 for a multiple choice)
    reason: str  # "graded", "choice", "blank"


Embed = Callable[[Sequence[str]], list[list[float]]]


class Grader:
    """Grades answers to the items of one bank with one embedder."""

    def __init__(self, bank: ItemBank, embed: Embed, calibration: Calibration | None = None) -> None:
        """`embed` maps texts to unit-length vectors (the tutor's embedder's `embed_documents`)."""
        self.bank = bank
        self.embed = embed
        self.calibration = calibration or Calibration.load()
        self._vectors: dict[str, list[float]] = {}

    def _vector(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.embed(missing)))
        return [self._vectors[t] for t in texts]

    def siblings(self, item: Item) -> list[str]:
        """Keys of the other items of the same unit: what a confused learner answers instead."""
        if item.unit_id not in self.bank.tree:
            return []
        return [
            other.key
            for other in self.bank.under(item.unit_id)
            if other.id != item.id and not wording.coverage(wording.terms(item.key), other.key) >= 1.0
        ]

    def features(self, item: Item, answer: str) -> dict[str, float]:
        """The numbers the calibrated model reads (see the module's docstring)."""
        head = wording.head(answer)
        siblings = self.siblings(item)
        vectors = self._vector([answer, item.key, item.question, head, *siblings])
        mine, key, question, claim = vectors[:4]
        similarity = _dot(mine, key)
        closest_sibling = max((_dot(mine, v) for v in vectors[4:]), default=0.0)
        wanted = [wording.answer_terms(item.question, form) for form in wording.key_forms(item.key)]
        return {
            "similarity": similarity,
            "question_similarity": _dot(mine, question),
            "sibling_margin": similarity - closest_sibling,
            "coverage": max(wording.coverage(terms, answer) for terms in wanted),
            "head_coverage": max(wording.coverage(terms, head) for terms in wanted),
            "opposed": float(wording.opposed(item.key, answer)),
            "choice": float(wording.choice_agreement(item.question, item.key, answer)),
            "yes_no": float(wording.yes_no_agreement(item.question, item.key, answer)),
            "numbers": float(wording.number_agreement(item.key, answer)),
            "head_similarity": _dot(claim, key),
            "precision": wording.coverage(wording.terms(answer), f"{item.key} {item.question}"),
            "lead": float(wording.leads_with_key(item.question, item.key, answer)),
        }

    def grade(self, item: Item, answer: str, *, choice: bool = False) -> Grade:
        """Grade `answer` to `item`; with `choice`, it is one of the item's multiple-choice options."""
        if choice:
            right = wording.normalize(answer.strip()) == wording.normalize(self.bank.correct_choice(item))
            return Grade(right, 1.0 if right else 0.0, "choice")
        if wording.is_blank(answer):
            return Grade(False, 0.0, "blank")
        score = self.calibration.probability(self.features(item, answer[:MAX_RESPONSE]))
        return Grade(score >= self.calibration.threshold, score, "graded")


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b)))
