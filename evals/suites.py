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

from app.answer.retrieve import ENTRY_KIND
from app.wiring import Parts
from evals import cases as datasets
from evals import scorers
from evals.answer_suite import answers
from evals.interview_suite import interview
from evals.learner_suites import grading, placement
from evals.metrics import (
    AreaMetrics,
    FollowupMetrics,
    GoalMetrics,
    LatencyMetrics,
    LatencySamples,
    PlanMetrics,
    RetrievalMetrics,
)
from evals.progress import Progress
from evals.results import FollowupRecord, GoalRecord, PlanRecord, RetrievalRecord

if TYPE_CHECKING:
    from app.answer.tutor import Answer

RETRIEVE_K = 5  # hit@1/3/5 and nDCG@5 need five hits


def area(path: list[str] | tuple[str, ...]) -> str:
    """The report's area for a case: the top-level part of its first expected path."""
    return path[0] if path[0] != "Essential skills for an AI engineer" else "Overview"


# --- retrieval --------------------------------------------------------------------------


def retrieval(parts: Parts, split: str, limit: int | None, progress: Progress, k: int = RETRIEVE_K):
    retriever = parts.retriever
    # Every section, for nDCG's ideal ranking (entries rank apart; they are not hits here).
    indexed = {c.path for c in retriever.chunks if c.kind != ENTRY_KIND}
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
    from app.answer.asking import search_query
    from app.answer.tutor import Turn

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
        plan = plan_or_first_choice(planner, request)
        data = plan.to_json()
        rules = plan_rules(planner.curriculum, planner.known(request.known), plan.focus)
        counts = scorers.plan_violations(data["weeks"], rules, profile.hours_per_week)
        learned: dict[str, float] = defaultdict(float)
        for week in data["weeks"]:
            for item in week["items"]:
                if item["kind"] in ("learn", "essentials"):
                    learned[item["topic_id"]] += item["hours"]
        covered = {t for t, h in learned.items() if h >= rules.hours[t] - 1e-6} | rules.known_units
        coverage = scorers.target_coverage(
            data["targets"], covered, {u["topic_id"] for u in data["unscheduled"] if u["kind"] != "deepening"}
        )
        progress_ = scorers.goal_progress(data["weeks"], set(data["targets"]) - rules.known_units)
        bad_paths = sum(
            1 for week in data["weeks"] for item in week["items"] if tuple(item["path"]) not in node_paths
        )
        records.append(
            PlanRecord(
                id=profile.id,
                split=profile.split,
                question=profile.learner or profile.goal,
                goal=profile.goal,
                mode=plan.mode,
                knows_python=knows_python(planner, request.known),
                over_budget=plan.mode != "full",
                full_path_hours=data["feasibility"]["full_path_hours"],
                weeks=len(data["weeks"]),
                total_hours=data["total_hours"],
                unscheduled_hours=round(sum(u["hours"] for u in data["unscheduled"]), 1),
                goal_share=progress_["share"],
                first_goal_week=progress_["first_week"],
                goal_topics_reached=progress_["reached"],
                prerequisite_violations=counts["prerequisite"],
                budget_violations=counts["budget"],
                known_topic_leaks=counts["known"],
                unknown_paths=bad_paths,
                target_coverage=coverage["covered"],
                targets_accounted=coverage["accounted"],
            )
        )
    over = [r for r in records if r.over_budget]
    python = [r for r in records if r.knows_python]
    first = [r.first_goal_week for r in records if r.first_goal_week is not None]
    return PlanMetrics(
        prerequisite_violations=sum(r.prerequisite_violations for r in records),
        budget_violations=sum(r.budget_violations for r in records),
        known_topic_leaks=sum(r.known_topic_leaks for r in records),
        unknown_paths=sum(r.unknown_paths for r in records),
        goal_hours_share=scorers.mean([r.goal_share for r in over]) if over else None,
        goal_hours_share_python=scorers.mean([r.goal_share for r in over if r.knows_python])
        if any(r.knows_python for r in over)
        else None,
        first_goal_week_mean=scorers.mean(first) if first else None,
        late_first_goal_python=sum(1 for r in python if r.first_goal_week is None or r.first_goal_week > 3),
        goal_topics_reached=scorers.mean([r.goal_topics_reached for r in records]),
        target_coverage=scorers.mean([r.target_coverage for r in records]),
        targets_accounted=scorers.mean([r.targets_accounted for r in records]),
        weeks=sum(r.weeks for r in records),
        over_budget_cases=len(over),
        python_cases=len(python),
        cases=len(records),
    ), records


def plan_or_first_choice(planner, request):
    """The profile's plan; a goal the planner asks about is planned as its first offered reading,
    as a learner taking the top suggestion would."""
    from dataclasses import replace

    from app.plan.planner import GoalUnclear

    try:
        return planner.plan(request)
    except GoalUnclear as unclear:
        return planner.plan(replace(request, goal=unclear.candidates[0].id))


def plan_rules(
    curriculum, known: set[str], focus: dict[str, tuple[str, ...]] | None = None
) -> scorers.PlanRules:
    """The rules a learner's plan must keep, from the curriculum, what the learner knows and the
    plan's focus (`Plan.focus`: goal units meant as some of their topics, which need only what
    those topics need)."""
    from app.plan.route import Router

    topics = {t for node in known for t in curriculum.topics_of(node)}
    router = Router(curriculum, topics, focus)
    return scorers.PlanRules(
        prerequisites={u: router.prerequisites(u) for u in curriculum.prerequisites},
        needs={u: e.needs for u, e in curriculum.essentials.items()},
        hours={u: sum(p.tenths for p in router.course(u)) / 10 for u in curriculum.hours},
        essentials={u: sum(p.tenths for p in router.essentials(u)) / 10 for u in curriculum.essentials},
        known_units=frozenset(router.known_units),
        known_topics=frozenset(topics),
    )


def knows_python(planner, known: tuple[str, ...]) -> bool:
    """Whether the learner's known topics include Python (the topic, or a unit holding it)."""
    python = planner.tree.find("Python")
    return any(python in planner.curriculum.topics_of(node) for node in planner.known(known))


# --- goals ------------------------------------------------------------------------------


def goals(parts: Parts, split: str, limit: int | None, progress: Progress):
    """Free-text goals resolved by the planner: right top-1 reading, a question, or "not covered"."""
    planner = parts.planner
    records = []
    for case in progress(datasets.goals(split, limit), "goals"):
        resolution = planner.resolve(case.goal)
        chosen = resolution.chosen.id.split(",") if resolution.chosen else []
        records.append(
            GoalRecord(
                id=case.id,
                split=case.split,
                question=case.goal,
                kind=case.kind,
                status=resolution.status,
                chosen=chosen,
                offered=[c.id for c in resolution.candidates],
                confidence=round(resolution.confidence, 4),
                passed=scorers.goal_passes(case.kind, resolution.status, chosen, case.expected, case.also_ok),
                expected=case.expected,
            )
        )
    clear = [r for r in records if r.kind in ("track", "unit")]

    def share(rs: list[GoalRecord], test) -> float | None:
        return scorers.mean([1.0 if test(r) else 0.0 for r in rs]) if rs else None

    return GoalMetrics(
        accuracy=share(records, lambda r: r.passed) or 0.0,
        top1_accuracy=share(clear, lambda r: r.passed and r.status != "ask") or 0.0,
        asked=share(clear, lambda r: r.status == "ask") or 0.0,
        ambiguous_asked=share([r for r in records if r.kind == "ambiguous"], lambda r: r.passed),
        out_of_scope_refused=share([r for r in records if r.kind == "out_of_scope"], lambda r: r.passed),
        track_accuracy=share([r for r in records if r.kind == "track"], lambda r: r.passed),
        unit_accuracy=share([r for r in records if r.kind == "unit"], lambda r: r.passed),
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
    first_text_ms, first_token_ms, answer_ms, rates = [], [], [], []
    asked = [c.question for c in datasets.answers(split, min(limit or LATENCY_ANSWERS, LATENCY_ANSWERS))]
    for question in progress(asked, "latency: answers"):
        answer = tutor.ask(question)
        first_text_ms.append(answer.timings_ms["first_text"])
        answer_ms.append(answer.timings_ms["total"])
        if "first_token" in answer.timings_ms:  # the model was asked
            first_token_ms.append(answer.timings_ms["first_token"])
        if (rate := generation_rate(answer)) is not None:
            rates.append(rate)
    return LatencyMetrics(
        retrieve_p50_ms=scorers.percentile(retrieve_ms, 50),
        retrieve_p95_ms=scorers.percentile(retrieve_ms, 95),
        first_text_p50_ms=scorers.percentile(first_text_ms, 50),
        first_token_p50_ms=scorers.percentile(first_token_ms, 50),
        first_token_p95_ms=scorers.percentile(first_token_ms, 95),
        answer_p50_ms=scorers.percentile(answer_ms, 50),
        tokens_per_s=scorers.percentile(rates, 50),
        samples=LatencySamples(retrieve_ms=retrieve_ms, first_token_ms=first_token_ms, tokens_per_s=rates),
        cases=len(retrieve_ms) + len(answer_ms),
    ), []


def generation_rate(answer: Answer) -> float | None:
    """Model pieces per second after the first, from an answer's timings (None if it wrote < 2)."""
    timings = answer.timings_ms
    if answer.model_tokens < 2 or "generated" not in timings:
        return None
    return (answer.model_tokens - 1) / ((timings["generated"] - timings["first_token"]) / 1000)


SUITES = {
    "retrieval": retrieval,
    "followups": followups,
    "answers": answers,
    "interview": interview,
    "plans": plans,
    "goals": goals,
    "latency": latency,
    "grading": grading,
    "placement": placement,
}
