"""The evaluation suites: each runs its cases through the real tutor and scores them.

The answer suite, the one that runs the model, lives in `evals.answer_suite`.

A suite returns `(metrics, records)`: its typed metrics (`evals.results`), and
one record per case with what was retrieved or produced, for the report's
worst-case lists.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import TYPE_CHECKING

from app.wiring import Parts
from evals import cases as datasets
from evals import scorers
from evals.answer_suite import answers
from evals.learner_suites import grading, placement
from evals.progress import Progress
from evals.results import (
    AreaMetrics,
    FollowupMetrics,
    FollowupRecord,
    LatencyMetrics,
    LatencySamples,
    PlanMetrics,
    PlanRecord,
    RetrievalMetrics,
    RetrievalRecord,
)

if TYPE_CHECKING:
    from app.answer.tutor import Tutor

RETRIEVE_K = 5  # hit@1/3/5 and nDCG@5 need five hits


def area(path: list[str] | tuple[str, ...]) -> str:
    """The report's area for a case: the top-level part of its first expected path."""
    return path[0] if path[0] != "Essential skills for an AI engineer" else "Overview"


# --- retrieval --------------------------------------------------------------------------


def retrieval(parts: Parts, split: str, limit: int | None, progress: Progress, k: int = RETRIEVE_K):
    retriever = parts.retriever
    indexed = {c.path for c in retriever.chunks}  # every section, for nDCG's ideal ranking
    records = []
    for case in progress(datasets.retrieval(split, limit), "retrieval"):
        hits = retriever.search(case.question, k)
        relevant_total = sum(1 for path in indexed if scorers.is_relevant(path, case.expected))
        relevance = [scorers.is_relevant(h.chunk.path, case.expected) for h in hits]
        records.append(
            RetrievalRecord(
                id=case.id,
                split=case.split,
                question=case.question,
                area=area(case.expected[0]),
                rank=scorers.first_relevant_rank(relevance),
                ndcg_at_5=scorers.ndcg_at(relevance, relevant_total, 5),
                retrieved=[list(h.chunk.path) for h in hits],
                expected=case.expected,
            )
        )
    by_area = defaultdict(list)
    for r in records:
        by_area[r.area].append(r)
    per_area = {name: AreaMetrics(**retrieval_scores(rs)) for name, rs in sorted(by_area.items())}
    return RetrievalMetrics(**retrieval_scores(records), per_area=per_area), records


def retrieval_scores(records: list[RetrievalRecord]) -> dict:
    ranks = [r.rank for r in records]
    return {
        "hit_at_1": scorers.hit_at(ranks, 1),
        "hit_at_3": scorers.hit_at(ranks, 3),
        "hit_at_5": scorers.hit_at(ranks, 5),
        "mrr": scorers.mrr(ranks),
        "ndcg_at_5": sum(r.ndcg_at_5 for r in records) / len(records) if records else 0.0,
        "cases": len(records),
    }


# --- follow-ups ---------------------------------------------------------------------------


def followups(parts: Parts, split: str, limit: int | None, progress: Progress):
    """Hit@3 of each follow-up retrieved the tutor's way, with and without its first question."""
    from app.answer.tutor import Turn, search_query

    retriever = parts.retriever
    records = []
    for case in progress(datasets.followups(split, limit), "follow-ups"):
        with_history = retriever.search(search_query(case.followup, [Turn(case.first, "")]), 3)
        without = retriever.search(case.followup, 3)
        ranks = [
            scorers.first_relevant_rank([scorers.is_relevant(h.chunk.path, case.expected) for h in hits])
            for hits in (with_history, without)
        ]
        records.append(
            FollowupRecord(
                id=case.id,
                split=case.split,
                question=f"{case.first} / {case.followup}",
                rank_with_history=ranks[0],
                rank_without_history=ranks[1],
                retrieved=[list(h.chunk.path) for h in with_history],
                expected=case.expected,
            )
        )
    return FollowupMetrics(
        hit_at_3_with_history=scorers.hit_at([r.rank_with_history for r in records], 3),
        hit_at_3_without_history=scorers.hit_at([r.rank_without_history for r in records], 3),
        cases=len(records),
    ), records


# --- plans --------------------------------------------------------------------------------


def plans(parts: Parts, split: str, limit: int | None, progress: Progress):
    from app.plan.planner import PlanRequest, parse_date

    planner = parts.planner
    curriculum = planner.curriculum
    node_paths = {node.path for node in planner.tree.nodes.values()}
    records = []
    for profile in progress(datasets.plans(split, limit), "plans"):
        request = PlanRequest(
            profile.goal,
            profile.hours_per_week,
            weeks=profile.weeks,
            until=parse_date(profile.until, "until"),
            start=parse_date(profile.start, "start"),
            known=tuple(profile.known),
        )
        plan = planner.plan(request)
        data = plan.to_json()
        known = planner.known(request.known)
        counts = scorers.plan_violations(
            data["weeks"], curriculum.prerequisites, curriculum.hours, known, profile.hours_per_week
        )
        learned: dict[str, float] = defaultdict(float)
        for week in data["weeks"]:
            for item in week["items"]:
                if item["kind"] == "learn":
                    learned[item["topic_id"]] += item["hours"]
        covered = {t for t, h in learned.items() if h >= curriculum.hours[t] - 1e-6} | known
        coverage = scorers.target_coverage(
            data["targets"], covered, {u["topic_id"] for u in data["unscheduled"]}
        )
        bad_paths = sum(
            1 for week in data["weeks"] for item in week["items"] if tuple(item["path"]) not in node_paths
        )
        records.append(
            PlanRecord(
                id=profile.id,
                split=profile.split,
                question=profile.learner or profile.goal,
                goal=profile.goal,
                weeks=len(data["weeks"]),
                total_hours=data["total_hours"],
                unscheduled_hours=round(sum(u["hours"] for u in data["unscheduled"]), 1),
                prerequisite_violations=counts["prerequisite"],
                budget_violations=counts["budget"],
                known_topic_leaks=counts["known"],
                unknown_paths=bad_paths,
                target_coverage=coverage["covered"],
                targets_accounted=coverage["accounted"],
            )
        )
    return PlanMetrics(
        prerequisite_violations=sum(r.prerequisite_violations for r in records),
        budget_violations=sum(r.budget_violations for r in records),
        known_topic_leaks=sum(r.known_topic_leaks for r in records),
        unknown_paths=sum(r.unknown_paths for r in records),
        target_coverage=scorers.mean([r.target_coverage for r in records]),
        targets_accounted=scorers.mean([r.targets_accounted for r in records]),
        weeks=sum(r.weeks for r in records),
        cases=len(records),
    ), records


# --- latency ------------------------------------------------------------------------------

LATENCY_RETRIEVALS = 50
LATENCY_ANSWERS = 5


def latency(parts: Parts, split: str, limit: int | None, progress: Progress):
    """Retrieve times over retrieval questions; first token and tokens/s over a few answers."""
    retriever = parts.retriever
    questions = [c.question for c in datasets.retrieval(split, limit or LATENCY_RETRIEVALS)]
    retriever.search(questions[0], RETRIEVE_K)  # warm-up, not counted
    retrieve_ms = []
    for question in progress(questions, "latency: retrieve"):
        started = time.perf_counter()
        retriever.search(question, RETRIEVE_K)
        retrieve_ms.append((time.perf_counter() - started) * 1000)
    tutor = parts.tutor
    first_token_ms, rates = [], []
    asked = [c.question for c in datasets.answers(split, min(limit or LATENCY_ANSWERS, LATENCY_ANSWERS))]
    for question in progress(asked, "latency: answers"):
        _lead, first, rate, _answer = time_tutor(tutor, question)
        if first == first:  # not NaN: the model wrote something
            first_token_ms.append(first)
            rates.append(rate)
    return LatencyMetrics(
        retrieve_p50_ms=scorers.percentile(retrieve_ms, 50),
        retrieve_p95_ms=scorers.percentile(retrieve_ms, 95),
        first_token_p50_ms=scorers.percentile(first_token_ms, 50),
        first_token_p95_ms=scorers.percentile(first_token_ms, 95),
        tokens_per_s=scorers.percentile(rates, 50),
        samples=LatencySamples(retrieve_ms=retrieve_ms, first_token_ms=first_token_ms, tokens_per_s=rates),
        cases=len(retrieve_ms) + len(first_token_ms),
    ), []


def time_tutor(tutor: Tutor, question: str):
    """(ms to the lead, ms to the model's first token, model tokens/s, Answer) for one question."""
    from app.answer.tutor import Answer

    started = time.perf_counter()
    stamps: list[float] = []
    answer = None
    for event in tutor.stream(question):
        if isinstance(event, str):
            stamps.append((time.perf_counter() - started) * 1000)
        elif isinstance(event, Answer):
            answer = event  # `Waiting` events (other requests ahead) are not text
    lead, model = stamps[0], stamps[1:]  # the first event is the lead, built without the model
    if len(model) < 2:
        return lead, float("nan"), float("nan"), answer
    return lead, model[0], (len(model) - 1) / ((model[-1] - model[0]) / 1000), answer


SUITES = {
    "retrieval": retrieval,
    "followups": followups,
    "answers": answers,
    "plans": plans,
    "latency": latency,
    "grading": grading,
    "placement": placement,
}
