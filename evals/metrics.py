"""The metrics of each evaluation suite, as typed models: the only place metric names are defined.

Each metric is a field (with its JSON name as alias where it has an `@`),
marked as a headline when the reports show it. The thresholds file, the reports
and the Evals tab look names up in these models, so a misspelt name is an error
instead of a silent skip. `METRICS` maps each suite to its model.
"""

from __future__ import annotations

from typing import Any, ClassVar

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
    listed_items_covered: float = metric(headline=True)
    answer_words_mean: float = metric(headline=True)
    answer_words_max: int = metric()
    support_threshold: float = metric()
    support_calibration_accuracy: float = metric()
    support_calibration_pairs: int = metric()
    cases: int = metric()
    refusal_cases: int = metric()
    listed_items: int = metric()


class InterviewMetrics(SuiteMetrics):
    """Real interview questions: the facts answers carry, and the covered / related / none decision."""

    suite: ClassVar[str] = "interview"

    key_fact_recall: float = metric(headline=True)  # covered questions with a reference answer
    key_fact_recall_all: float = metric()  # every question with a reference answer
    coverage_accuracy: float = metric(headline=True)  # the three-way decision matches the label
    covered_kept: float = metric(headline=True)  # covered questions answered as covered
    adjacent_not_covered: float = metric(headline=True)  # related/none questions not presented as covered
    explanation_first: float = metric(headline=True)  # covered answers that open with the explanation
    answer_words_median: float = metric(headline=True)
    first_text_p50_ms: float | None = metric(headline=True)
    answer_p50_ms: float | None = metric(headline=True)
    cases: int = metric()
    answered: int = metric()  # cases with key facts, answered in full


class PlanMetrics(SuiteMetrics):
    suite: ClassVar[str] = "plans"

    prerequisite_violations: int = metric(headline=True)
    budget_violations: int = metric(headline=True)
    known_topic_leaks: int = metric(headline=True)
    unknown_paths: int = metric(headline=True)
    # Where the full path does not fit: the share of non-review hours spent on goal topics.
    goal_hours_share: float | None = metric(headline=True)
    goal_hours_share_python: float | None = metric()  # the same, for learners who know Python
    first_goal_week_mean: float | None = metric(headline=True)  # over plans that reach a goal topic
    # Learners who know Python whose first goal topic comes after week 3, or never.
    late_first_goal_python: int = metric(headline=True)
    goal_topics_reached: float = metric(headline=True)  # share of goal topics the plan gets to
    target_coverage: float = metric(headline=True)
    targets_accounted: float = metric(headline=True)
    weeks: int = metric()
    over_budget_cases: int = metric()  # profiles whose full path does not fit their budget
    python_cases: int = metric()
    cases: int = metric()


class GoalMetrics(SuiteMetrics):
    suite: ClassVar[str] = "goals"

    # Resolved well: the top-1 reading is right, or the learner is asked (see goals.yaml).
    accuracy: float = metric(headline=True)
    # Right without asking, over goals that are neither ambiguous nor off the roadmap.
    top1_accuracy: float = metric(headline=True)
    asked: float = metric(headline=True)  # share of those same goals answered with a question
    ambiguous_asked: float | None = metric(headline=True)
    out_of_scope_refused: float | None = metric(headline=True)
    track_accuracy: float | None = metric()
    unit_accuracy: float | None = metric()
    cases: int = metric()


class LatencySamples(_Model):
    retrieve_ms: list[float] = Field(default_factory=list)
    first_token_ms: list[float] = Field(default_factory=list)
    tokens_per_s: list[float] = Field(default_factory=list)


class LatencyMetrics(SuiteMetrics):
    suite: ClassVar[str] = "latency"

    retrieve_p50_ms: float | None = metric(headline=True)
    retrieve_p95_ms: float | None = metric(headline=True)
    first_text_p50_ms: float | None = metric(headline=True)  # the composed answer, on screen
    first_token_p50_ms: float | None = metric(headline=True)
    first_token_p95_ms: float | None = metric(headline=True)
    answer_p50_ms: float | None = metric(headline=True)  # complete, with any model sentence
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
        InterviewMetrics,
        PlanMetrics,
        GoalMetrics,
        LatencyMetrics,
        GradingMetrics,
        PlacementMetrics,
    )
}
