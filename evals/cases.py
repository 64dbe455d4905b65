"""The evaluation datasets in `evals/datasets/`, loaded and filtered by split.

Every case has an `id` and a `split`: `dev` cases may be tuned on, `test` cases
are for reporting only. `limit` keeps the first N cases of a suite (file order),
so a limited run is always the same subset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATASETS = Path(__file__).parent / "datasets"
SPLITS = ("dev", "test", "all")


@dataclass(frozen=True)
class RetrievalCase:
    id: str
    split: str
    question: str
    expected: list[list[str]]


@dataclass(frozen=True)
class FollowupCase:
    id: str
    split: str
    first: str
    followup: str
    expected: list[list[str]]


@dataclass(frozen=True)
class RefusalCase:
    id: str
    split: str
    question: str
    should_refuse: bool


@dataclass(frozen=True)
class InterviewCase:
    """A real interview question: how the roadmap covers it, and the key facts of its reference answer."""

    id: str
    split: str
    source: str
    question: str
    coverage: str  # "covered" | "related" | "none"
    expected: list[list[str]]
    key_facts: list[list[str]]  # empty when the source gives no reference answer


@dataclass(frozen=True)
class AnswerCase:
    id: str
    split: str
    question: str
    expected: list[list[str]]
    key_facts: list[list[str]]  # each fact: phrases, any one of which must appear


@dataclass(frozen=True)
class PlanProfile:
    id: str
    split: str
    learner: str
    goal: str
    hours_per_week: float
    known: list[str] = field(default_factory=list)
    weeks: int | None = None
    until: str | None = None
    start: str | None = None


@dataclass(frozen=True)
class GoalCase:
    id: str
    split: str
    kind: str  # "track" | "unit" | "ambiguous" | "out_of_scope"
    goal: str
    expected: list[str]  # ids a good top-1 may be (or lie under, for sections); the options, when ambiguous
    also_ok: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GradedAnswer:
    text: str
    correct: bool
    kind: str


@dataclass(frozen=True)
class GradingCase:
    """A self-check item (question and key, verbatim from the data) and learners' labelled answers."""

    id: str
    split: str
    question: str
    key: str
    answers: list[GradedAnswer]


def _load(name: str) -> dict:
    return yaml.safe_load((DATASETS / f"{name}.yaml").read_text(encoding="utf-8"))


def version(name: str) -> int:
    return int(_load(name).get("version", 1))


def _pick(cases: list, split: str, limit: int | None) -> list:
    chosen = [c for c in cases if split == "all" or c.split == split]
    return chosen[:limit] if limit else chosen


def listed_items(roadmap: Path, limit: int | None = None) -> list[str]:
    """ "What is X?" for each item the roadmap lists in parentheses ("activation functions (ReLU,
    sigmoid, tanh)": tanh). The roadmap names every one, so the tutor should answer each as
    covered. Parsed here with a plain split, apart from the tutor's own reading of bullets;
    asides that are not items (links, "etc.", phrases starting "for") are left out."""
    items: list[str] = []
    for inner in re.findall(r"\(([^()]+)\)", roadmap.read_text(encoding="utf-8")):
        inner = re.sub(r"^(e\.g\.|i\.e\.|such as),?\s*", "", inner.strip())
        for item in re.split(r",\s*|\s+and\s+|/", inner):
            item = item.strip(" .`")
            if len(item) > 2 and len(item.split()) <= 4 and not re.match(r"^(\d|#|for |etc|optional)", item):
                items.append(item)
    questions = [f"What is {item}?" for item in dict.fromkeys(items)]
    return questions[:limit] if limit else questions


def retrieval(split: str = "all", limit: int | None = None) -> list[RetrievalCase]:
    cases = [
        RetrievalCase(c["id"], c["split"], c["question"], c["expected"]) for c in _load("retrieval")["cases"]
    ]
    return _pick(cases, split, limit)


def followups(split: str = "all", limit: int | None = None) -> list[FollowupCase]:
    pairs = _load("followups")["pairs"]
    cases = [FollowupCase(p["id"], p["split"], p["first"], p["followup"], p["expected"]) for p in pairs]
    return _pick(cases, split, limit)


def refusals(split: str = "all", limit: int | None = None) -> list[RefusalCase]:
    data = _load("refusal")
    cases = [RefusalCase(c["id"], c["split"], c["question"], True) for c in data["off_topic"]]
    cases += [RefusalCase(c["id"], c["split"], c["question"], False) for c in data["on_topic_odd"]]
    return _pick(cases, split, limit)


def answers(split: str = "all", limit: int | None = None) -> list[AnswerCase]:
    cases = [
        AnswerCase(c["id"], c["split"], c["question"], c["expected"], [f["any_of"] for f in c["key_facts"]])
        for c in _load("answers")["cases"]
    ]
    return _pick(cases, split, limit)


def interview(split: str = "all", limit: int | None = None) -> list[InterviewCase]:
    cases = [
        InterviewCase(
            c["id"],
            c["split"],
            c["source"],
            c["question"],
            c["coverage"],
            c.get("expected") or [],
            [f["any_of"] for f in c.get("key_facts") or []],
        )
        for c in _load("interview")["cases"]
    ]
    return _pick(cases, split, limit)


def plans(split: str = "all", limit: int | None = None) -> list[PlanProfile]:
    profiles = [
        PlanProfile(
            p["id"],
            p["split"],
            p.get("learner", ""),
            p["goal"],
            float(p["hours_per_week"]),
            list(p.get("known", [])),
            p.get("weeks"),
            str(p["until"]) if p.get("until") else None,
            str(p["start"]) if p.get("start") else None,
        )
        for p in _load("plans")["profiles"]
    ]
    return _pick(profiles, split, limit)


def goals(split: str = "all", limit: int | None = None) -> list[GoalCase]:
    cases = [
        GoalCase(c["id"], c["split"], c["kind"], c["goal"], list(c["expected"]), list(c.get("also_ok") or []))
        for c in _load("goals")["cases"]
    ]
    return _pick(cases, split, limit)


def grading(split: str = "all", limit: int | None = None) -> list[GradingCase]:
    cases = [
        GradingCase(
            c["id"],
            c["split"],
            c["question"],
            c["key"],
            [GradedAnswer(str(a["text"]), bool(a["correct"]), a["kind"]) for a in c["answers"]],
        )
        for c in _load("grading")["cases"]
    ]
    return _pick(cases, split, limit)
