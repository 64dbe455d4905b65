"""Typed results of an evaluation run: one metrics model per suite, one record model per case.

Metric names live here and only here: each is a field (with its JSON name as
alias where it has an `@`), marked as a headline when the reports show it. The
thresholds file, the reports and the Evals tab look names up in these models, so
a misspelt name is an error instead of a silent skip. `result.json` is the
models' JSON form.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


def metric(alias: str | None = None, *, headline: bool = False) -> Any:
    """A metric field; `headline` ones are shown in the summary table, the reports and the Evals tab."""
    return Field(alias=alias, json_schema_extra={"headline": headline})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class SuiteMetrics(_Model):
    """The headline numbers of one suite. Subclasses declare them with `metric()`."""

    suite: ClassVar[str]

    @classmethod
    def names(cls) -> list[str]:
        """Every scalar metric's name as it appears in result.json and thresholds.yaml."""
        return [
            info.alias or name
            for name, info in cls.model_fields.items()
            if info.json_schema_extra is not None
        ]

    @classmethod
    def headlines(cls) -> list[str]:
        return [
            info.alias or name
            for name, info in cls.model_fields.items()
            if info.json_schema_extra and info.json_schema_extra.get("headline")
        ]

    def value(self, name: str) -> float | None:
        """A metric by its JSON name; an unknown name is a KeyError."""
        for field, info in type(self).model_fields.items():
            if (info.alias or field) == name and info.json_schema_extra is not None:
                return getattr(self, field)
        raise KeyError(f"{self.suite} has no metric {name!r}")

    def numbers(self) -> dict[str, float]:
        """The scalar metrics that have a value (not None)."""
        return {n: v for n in self.names() if (v := self.value(n)) is not None}


class AreaMetrics(SuiteMetrics):
    suite: ClassVar[str] = "retrieval"

    hit_at_1: float = metric("hit@1", headline=True)
    hit_at_3: float = metric("hit@3", headline=True)
    hit_at_5: float = metric("hit@5", headline=True)
    mrr: float = metric(headline=True)
    ndcg_at_5: float = metric("ndcg@5", headline=True)
    cases: int = metric()


class RetrievalMetrics(AreaMetrics):
    per_area: dict[str, AreaMetrics] = Field(default_factory=dict)


class FollowupMetrics(SuiteMetrics):
    suite: ClassVar[str] = "followups"

    hit_at_3_with_history: float = metric("hit@3_with_history", headline=True)
    hit_at_3_without_history: float = metric("hit@3_without_history", headline=True)
    cases: int = metric()


class AnswerMetrics(SuiteMetrics):
    suite: ClassVar[str] = "answers"

    citation_validity: float = metric(headline=True)
    citation_support: float = metric(headline=True)
    groundedness: float = metric(headline=True)
    draft_groundedness: float = metric(headline=True)
    model_sentences_kept: float = metric(headline=True)
    cites_expected_section: float = metric(headline=True)
    key_fact_recall: float = metric(headline=True)
    refusal_precision: float = metric(headline=True)
    refusal_recall: float = metric(headline=True)
    answer_words_mean: float = metric(headline=True)
    answer_words_max: int = metric()
    support_threshold: float = metric()
    support_calibration_accuracy: float = metric()
    support_calibration_pairs: int = metric()
    cases: int = metric()
    refusal_cases: int = metric()


class PlanMetrics(SuiteMetrics):
    suite: ClassVar[str] = "plans"

    prerequisite_violations: int = metric(headline=True)
    budget_violations: int = metric(headline=True)
    known_topic_leaks: int = metric(headline=True)
    unknown_paths: int = metric(headline=True)
    target_coverage: float = metric(headline=True)
    targets_accounted: float = metric(headline=True)
    weeks: int = metric()
    cases: int = metric()


class LatencySamples(_Model):
    retrieve_ms: list[float] = Field(default_factory=list)
    first_token_ms: list[float] = Field(default_factory=list)
    tokens_per_s: list[float] = Field(default_factory=list)


class LatencyMetrics(SuiteMetrics):
    suite: ClassVar[str] = "latency"

    retrieve_p50_ms: float | None = metric(headline=True)
    retrieve_p95_ms: float | None = metric(headline=True)
    first_token_p50_ms: float | None = metric(headline=True)
    first_token_p95_ms: float | None = metric(headline=True)
    tokens_per_s: float | None = metric(headline=True)
    samples: LatencySamples = Field(default_factory=LatencySamples)
    cases: int = metric()


class GradingMetrics(SuiteMetrics):
    suite: ClassVar[str] = "grading"

    agreement: float = metric(headline=True)
    right_accepted: float = metric(headline=True)
    wrong_rejected: float = metric(headline=True)
    answers: int = metric()
    items: int = metric()


class PlacementMetrics(SuiteMetrics):
    suite: ClassVar[str] = "placement"

    agreement: float = metric(headline=True)
    items_max: int = metric(headline=True)
    items_mean: float = metric(headline=True)
    known_recall: float = metric(headline=True)
    known_precision: float = metric(headline=True)
    all_unknown_agreement: float = metric()
    learners: int = metric()


METRICS: dict[str, type[SuiteMetrics]] = {
    m.suite: m
    for m in (
        RetrievalMetrics,
        FollowupMetrics,
        AnswerMetrics,
        PlanMetrics,
        LatencyMetrics,
        GradingMetrics,
        PlacementMetrics,
    )
}


class Metrics(_Model):
    """The metrics of the suites that ran (the others stay None and are left out of result.json)."""

    retrieval: RetrievalMetrics | None = None
    followups: FollowupMetrics | None = None
    answers: AnswerMetrics | None = None
    plans: PlanMetrics | None = None
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


class PlanRecord(_Record):
    suite: Literal["plans"] = "plans"
    goal: str
    weeks: int
    total_hours: float
    unscheduled_hours: float
    prerequisite_violations: int
    budget_violations: int
    known_topic_leaks: int
    unknown_paths: int
    target_coverage: float
    targets_accounted: float


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
    | PlanRecord
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
