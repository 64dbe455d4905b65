"""evals/results.py and the thresholds: typed results, and bounds that must name real metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import TutorError
from evals.metrics import METRICS, GoalMetrics, PlanMetrics, RetrievalMetrics
from evals.report import headline_rows, summary_table, to_html, to_markdown
from evals.results import EvalResult, GoalRecord, Metrics, PlanRecord, RunConfig
from evals.runner import THRESHOLDS, check_thresholds, diff, load_thresholds

RETRIEVAL = RetrievalMetrics(hit_at_1=0.5, hit_at_3=0.75, hit_at_5=1.0, mrr=0.6, ndcg_at_5=0.7, cases=4)
PLANS = PlanMetrics(
    prerequisite_violations=1,
    budget_violations=0,
    known_topic_leaks=0,
    unknown_paths=0,
    goal_hours_share=0.6,
    goal_hours_share_python=None,
    first_goal_week_mean=2.0,
    late_first_goal_python=0,
    goal_topics_reached=0.5,
    target_coverage=0.5,
    targets_accounted=1.0,
    weeks=12,
    over_budget_cases=1,
    python_cases=0,
    cases=1,
)
CONFIG = RunConfig(
    started="2026-01-01T00:00:00+00:00",
    suites=["retrieval", "plans"],
    split="test",
    limit=None,
    durations_s={"retrieval": 1.0, "plans": 0.1},
    datasets={},
    settings={},
    revision=None,
)
PLAN_CASE = PlanRecord(
    id="p1",
    split="test",
    question="<b>mlops</b>",
    goal="mlops-engineer",
    mode="fast-track",
    knows_python=False,
    over_budget=True,
    full_path_hours=400.0,
    weeks=12,
    total_hours=96.0,
    unscheduled_hours=0.0,
    goal_share=0.6,
    first_goal_week=2,
    goal_topics_reached=0.5,
    prerequisite_violations=1,
    budget_violations=0,
    known_topic_leaks=0,
    unknown_paths=0,
    target_coverage=0.5,
    targets_accounted=1.0,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thresholds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_thresholds_name_only_real_metrics() -> None:
    thresholds = load_thresholds(THRESHOLDS)
    assert thresholds and set(thresholds) <= set(METRICS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("retrieval:\n  hit@33: {min: 0.9}\n", "retrieval.hit@33 is not a metric of the retrieval suite"),
        ("retrival:\n  hit@3: {min: 0.9}\n", "'retrival' is not a suite"),
        ("plans:\n  budget_violations: {maximum: 0}\n", "needs a bound like {min: 0.9} or {max: 0}"),
        ("plans:\n  budget_violations: 0\n", "needs a bound like"),
    ],
)
def test_a_threshold_that_names_no_metric_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TutorError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_thresholds(write(tmp_path, text))


def test_thresholds_check_the_suites_that_ran() -> None:
    thresholds = {"retrieval": {"hit@3": {"min": 0.9}}, "plans": {"prerequisite_violations": {"max": 0}}}
    checks = check_thresholds(Metrics(retrieval=RETRIEVAL), thresholds)
    assert [(c.suite, c.metric, c.value, c.ok) for c in checks] == [("retrieval", "hit@3", 0.75, False)]
    checks = check_thresholds(Metrics(retrieval=RETRIEVAL, plans=PLANS), thresholds)
    assert [c.ok for c in checks] == [False, False]


def test_metric_names_come_from_the_models() -> None:
    assert RetrievalMetrics.headlines() == ["hit@1", "hit@3", "hit@5", "mrr", "ndcg@5"]
    assert "cases" in RetrievalMetrics.names() and "per_area" not in RetrievalMetrics.names()
    assert RETRIEVAL.value("ndcg@5") == 0.7
    with pytest.raises(KeyError):
        RETRIEVAL.value("ndcg@50")


def test_result_json_round_trips_with_its_json_names() -> None:
    result = EvalResult(metrics=Metrics(retrieval=RETRIEVAL, plans=PLANS), cases=[PLAN_CASE], config=CONFIG)
    data = json.loads(json.dumps(result.to_json()))
    assert list(data["metrics"]) == ["retrieval", "plans"]  # suites that did not run are left out
    assert data["metrics"]["retrieval"]["hit@3"] == 0.75 and "compare" not in data
    assert EvalResult.model_validate(data) == result


def test_goal_results_are_typed_too() -> None:
    metrics = GoalMetrics(
        accuracy=0.9,
        top1_accuracy=0.7,
        asked=0.3,
        ambiguous_asked=1.0,
        out_of_scope_refused=None,
        track_accuracy=None,
        unit_accuracy=0.9,
        cases=10,
    )
    case = GoalRecord(
        id="g1",
        split="dev",
        question="<i>data stuff</i>",
        kind="ambiguous",
        status="matched",
        chosen=["data-engineer"],
        offered=["data-engineer"],
        confidence=0.6,
        passed=False,
        expected=["data-engineer", "data-engineering"],
    )
    result = EvalResult(metrics=Metrics(goals=metrics), cases=[case], config=CONFIG)
    assert EvalResult.model_validate(json.loads(json.dumps(result.to_json()))) == result
    assert "goals" in METRICS and "accuracy" in GoalMetrics.headlines()
    assert "resolver said matched: data-engineer" in to_markdown(result)
    assert "&lt;i&gt;data stuff&lt;/i&gt;" in to_html(result)


def test_a_misspelt_field_is_an_error_not_a_silent_gap() -> None:
    data = {**PLANS.model_dump(by_alias=True), "budget_violation": 0}
    with pytest.raises(ValueError, match="budget_violation"):
        PlanMetrics.model_validate(data)


def test_reports_show_headlines_changes_and_escape_case_text() -> None:
    result = EvalResult(metrics=Metrics(retrieval=RETRIEVAL, plans=PLANS), cases=[PLAN_CASE], config=CONFIG)
    before = {"metrics": {"retrieval": {"hit@3": 0.5, "mrr": "n/a"}}, "config": {"started": "then"}}
    result = result.model_copy(update={"compare": diff(before, result)})
    assert ("retrieval", "hit@3", "0.750", "+0.250") in headline_rows(result)
    assert ("retrieval", "mrr", "0.600", "") in headline_rows(result)  # no number before: no change
    assert "prerequisite_violations" in summary_table(result)
    assert "p1" in to_markdown(result)
    page = to_html(result)
    assert "&lt;b&gt;mlops&lt;/b&gt;" in page and "<b>mlops</b>" not in page
    assert "Change against the compared run" in page
