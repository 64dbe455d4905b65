"""Typed results of an evaluation run: the suites' metrics (`evals.metrics`), one record per case,
and the run around them. `result.json` is `EvalResult.to_json()`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from evals.metrics import (
    METRICS,
    AnswerMetrics,
    FollowupMetrics,
    GoalMetrics,
    GradingMetrics,
    InterviewMetrics,
    LatencyMetrics,
    PlacementMetrics,
    PlanMetrics,
    RetrievalMetrics,
    SuiteMetrics,
    _Model,
)


class Metrics(_Model):
    """The metrics of the suites that ran (the others stay None and are left out of result.json)."""

    retrieval: RetrievalMetrics | None = None
    followups: FollowupMetrics | None = None
    answers: AnswerMetrics | None = None
    interview: InterviewMetrics | None = None
    plans: PlanMetrics | None = None
    goals: GoalMetrics | None = None
    latency: LatencyMetrics | None = None
    grading: GradingMetrics | None = None
    placement: PlacementMetrics | None = None

    def ran(self) -> dict[str, SuiteMetrics]:
        return {name: m for name in METRICS if (m := getattr(self, name)) is not None}


# --- case records ------------------------------------------------------------------------


class _Record(_Model):
    id: str
    split: str
    question: str


class RetrievalRecord(_Record):
    suite: Literal["retrieval"] = "retrieval"
    area: str
    rank: int | None
    ndcg_at_5: float = Field(alias="ndcg@5")
    retrieved: list[list[str]]
    expected: list[list[str]]


class FollowupRecord(_Record):
    suite: Literal["followups"] = "followups"
    rank_with_history: int | None
    rank_without_history: int | None
    retrieved: list[list[str]]
    expected: list[list[str]]


class AnswerRecord(_Record):
    suite: Literal["answers"] = "answers"
    answer: str
    refused: bool
    citation_validity: float | None
    citation_support: float | None
    groundedness: float | None
    draft_groundedness: float | None
    model_sentences: int
    model_sentences_kept: int
    cites_expected: bool
    key_fact_recall: float
    words: int
    first_token_ms: float | None
    retrieved: list[list[str]]
    expected: list[list[str]]


class RefusalRecord(_Record):
    suite: Literal["refusals"] = "refusals"
    should_refuse: bool
    refused: bool
    retrieved: list[list[str]]


class InterviewRecord(_Record):
    suite: Literal["interview"] = "interview"
    source: str
    label: str  # the dataset's coverage label
    coverage: str  # the tutor's decision
    answer: str | None  # answered in full only when the case has key facts
    key_fact_recall: float | None
    words: int | None
    first_text_ms: float | None
    total_ms: float | None


class PlanRecord(_Record):
    suite: Literal["plans"] = "plans"
    goal: str
    mode: str
    knows_python: bool
    over_budget: bool  # the full path does not fit the budget
    full_path_hours: float
    weeks: int
    total_hours: float
    unscheduled_hours: float
    goal_share: float
    first_goal_week: int | None
    goal_topics_reached: float
    prerequisite_violations: int
    budget_violations: int
    known_topic_leaks: int
    unknown_paths: int
    target_coverage: float
    targets_accounted: float


class GoalRecord(_Record):
    suite: Literal["goals"] = "goals"
    kind: str
    status: str  # "named" | "matched" | "ask" | "none"
    chosen: list[str]  # the top-1 reading's ids (empty when asked or not covered)
    offered: list[str]  # the candidates shown, best first
    confidence: float
    passed: bool
    expected: list[str]


class GradingRecord(_Record):
    suite: Literal["grading"] = "grading"
    key: str
    answer: str
    kind: str
    label: bool
    graded: bool
    score: float


class PlacementRecord(_Record):
    suite: Literal["placement"] = "placement"
    asked: int
    agreement: float
    known: int
    found: int


Record = Annotated[
    RetrievalRecord
    | FollowupRecord
    | AnswerRecord
    | RefusalRecord
    | InterviewRecord
    | PlanRecord
    | GoalRecord
    | GradingRecord
    | PlacementRecord,
    Field(discriminator="suite"),
]


# --- the run -----------------------------------------------------------------------------


class RunConfig(_Model):
    started: str
    suites: list[str]
    split: str
    limit: int | None
    durations_s: dict[str, float]
    datasets: dict[str, Any]
    settings: dict[str, Any]
    revision: str | None


class ThresholdCheck(_Model):
    suite: str
    metric: str
    value: float
    min: float | None = None
    max: float | None = None
    ok: bool


class Change(_Model):
    before: float
    after: float
    change: float


class Comparison(_Model):
    started: str | None
    metrics: dict[str, Change]  # "suite.metric" → change


class EvalResult(_Model):
    metrics: Metrics
    cases: list[Record]
    config: RunConfig
    thresholds: list[ThresholdCheck] = Field(default_factory=list)
    compare: Comparison | None = None

    def to_json(self) -> dict:
        """The result.json form: JSON names, suites that did not run left out, no compare when none."""
        data = self.model_dump(by_alias=True, exclude={"metrics", "compare"})
        ran = {name: m.model_dump(by_alias=True) for name, m in self.metrics.ran().items()}
        data = {"metrics": ran, **data}
        if self.compare is not None:
            data["compare"] = self.compare.model_dump(by_alias=True)
        return data

    @property
    def missed(self) -> list[ThresholdCheck]:
        return [t for t in self.thresholds if not t.ok]
