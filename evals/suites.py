"""The evaluation suites: each runs its cases through the real tutor and scores them.

A suite returns `(metrics, cases)`: headline numbers, and one record per case
with what was retrieved or produced, for the report's worst-case lists.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import TutorError
from evals import cases as datasets
from evals import scorers

if TYPE_CHECKING:
    from app.retrieve import Retriever
    from app.settings import Settings
    from app.study import StudyPlanner
    from app.tutor import Tutor

Progress = Callable[[Iterable, str], Iterable]

RETRIEVE_K = 5  # hit@1/3/5 and nDCG@5 need five hits


def no_progress(items: Iterable, _desc: str) -> Iterable:
    return items


@dataclass
class Components:
    """The tutor's real parts, built on first use and shared by the suites."""

    settings: Settings

    @cached_property
    def retriever(self) -> Retriever:
        from app.components import open_retriever

        return open_retriever(self.settings)

    @cached_property
    def tutor(self) -> Tutor:
        from app.components import build_tutor

        return build_tutor(self.settings, retriever=self.retriever)

    @cached_property
    def planner(self) -> StudyPlanner:
        from app.components import build_study_planner

        # Plans need no index; share the embedder when the retriever already loaded it.
        retriever = self.__dict__.get("retriever")
        return build_study_planner(self.settings, retriever.embeddings if retriever else None)

    @cached_property
    def similarity(self) -> Similarity:
        return Similarity(self.retriever.embeddings)


class Similarity:
    """Cosine similarity of two texts under the tutor's embedder, with a cache."""

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self._vectors: dict[str, object] = {}

    def warm(self, texts: Iterable[str]) -> None:
        new = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if new:
            import numpy as np

            for text, vector in zip(new, self.embeddings.embed_documents(new)):
                v = np.asarray(vector)
                self._vectors[text] = v / (np.linalg.norm(v) or 1.0)

    def __call__(self, a: str, b: str) -> float:
        self.warm([a, b])
        return float(self._vectors[a] @ self._vectors[b])


def area(path: list[str] | tuple[str, ...]) -> str:
    """The report's area for a case: the top-level part of its first expected path."""
    return path[0] if path[0] != "Essential skills for an AI engineer" else "Overview"


# --- retrieval --------------------------------------------------------------------------


def relevant_total(retriever: Retriever, expected: list[list[str]]) -> int:
    """How many indexed sections answer the case (the ideal ranking's length, for nDCG)."""
    return sum(1 for path in {c.path for c in retriever.chunks} if scorers.is_relevant(path, expected))


def retrieval(parts: Components, split: str, limit: int | None, progress: Progress, k: int = RETRIEVE_K):
    retriever = parts.retriever
    records = []
    for case in progress(datasets.retrieval(split, limit), "retrieval"):
        hits = retriever.search(case.question, k)
        relevance = [scorers.is_relevant(h.chunk.path, case.expected) for h in hits]
        records.append(
            {
                "suite": "retrieval",
                "id": case.id,
                "split": case.split,
                "question": case.question,
                "area": area(case.expected[0]),
                "rank": scorers.first_relevant_rank(relevance),
                "ndcg@5": scorers.ndcg_at(relevance, relevant_total(retriever, case.expected), 5),
                "retrieved": [list(h.chunk.path) for h in hits],
                "expected": case.expected,
            }
        )
    metrics = retrieval_metrics(records)
    by_area = defaultdict(list)
    for r in records:
        by_area[r["area"]].append(r)
    metrics["per_area"] = {name: retrieval_metrics(rs) for name, rs in sorted(by_area.items())}
    return metrics, records


def retrieval_metrics(records: list[dict]) -> dict:
    ranks = [r["rank"] for r in records]
    return {
        "hit@1": scorers.hit_at(ranks, 1),
        "hit@3": scorers.hit_at(ranks, 3),
        "hit@5": scorers.hit_at(ranks, 5),
        "mrr": scorers.mrr(ranks),
        "ndcg@5": sum(r["ndcg@5"] for r in records) / len(records) if records else 0.0,
        "cases": len(records),
    }


# --- follow-ups ---------------------------------------------------------------------------


def followups(parts: Components, split: str, limit: int | None, progress: Progress):
    """Hit@3 of each follow-up retrieved the tutor's way, with and without its first question."""
    from app.tutor import Turn, search_query

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
            {
                "suite": "followups",
                "id": case.id,
                "split": case.split,
                "question": f"{case.first} / {case.followup}",
                "rank_with_history": ranks[0],
                "rank_without_history": ranks[1],
                "retrieved": [list(h.chunk.path) for h in with_history],
                "expected": case.expected,
            }
        )
    return {
        "hit@3_with_history": scorers.hit_at([r["rank_with_history"] for r in records], 3),
        "hit@3_without_history": scorers.hit_at([r["rank_without_history"] for r in records], 3),
        "cases": len(records),
    }, records


# --- answers ------------------------------------------------------------------------------


SHIPPED_CARDS = Path(__file__).resolve().parent.parent / "seeds" / "cards"


def support_threshold(parts: Components) -> tuple[float, float, int]:
    """Calibrate the similarity above which an excerpt supports a sentence.

    Labelled pairs come from the shipped knowledge cards, which are written to explain
    their roadmap section: each card sentence paired with its own section's roadmap text
    is supported; paired with a section from another part of the roadmap, it is not.
    Returns (threshold, accuracy on the pairs, number of pairs).
    """
    from ingest.sync import chunk_file

    sections: dict[tuple[str, ...], str] = {}
    for chunk in chunk_file(parts.settings.seeds[0]):
        if chunk.kind == "section":
            sections.setdefault(chunk.path, chunk.text)
    explanations: dict[tuple[str, ...], str] = {}
    for path in sorted(SHIPPED_CARDS.glob("*.md")):
        for chunk in chunk_file(path, card=True):
            if chunk.path in sections:
                explanations.setdefault(chunk.path, chunk.text)  # the explanation comes first
    paths = sorted(sections)
    similarity = parts.similarity
    similarity.warm(
        [*sections.values(), *(s for text in explanations.values() for s in scorers.sentences(text))]
    )
    positives, negatives = [], []
    for path, text in explanations.items():
        start = (paths.index(path) + len(paths) // 2) % len(paths)
        other = next(sections[p] for p in paths[start:] + paths[:start] if p[0] != path[0])
        for sentence in scorers.sentences(text):
            positives.append(similarity(sentence, sections[path]))
            negatives.append(similarity(sentence, other))
    if not positives:
        raise TutorError(f"no knowledge cards in {SHIPPED_CARDS} match the roadmap: cannot calibrate")
    threshold = scorers.calibrate_threshold(positives, negatives)
    correct = sum(p >= threshold for p in positives) + sum(n < threshold for n in negatives)
    return threshold, correct / (len(positives) + len(negatives)), len(positives) + len(negatives)


def answers(parts: Components, split: str, limit: int | None, progress: Progress):
    threshold, accuracy, pairs = support_threshold(parts)
    tutor, similarity = parts.tutor, parts.similarity
    records = []
    for case in progress(datasets.answers(split, limit), "answers"):
        answer = tutor.ask(case.question)
        context = [h.chunk.text + ("\n" + h.note if h.note else "") for h in answer.retrieved]
        cited = [h.chunk.text + ("\n" + h.note if h.note else "") for h in answer.citations]
        records.append(
            {
                "suite": "answers",
                "id": case.id,
                "split": case.split,
                "question": case.question,
                "answer": answer.text,
                "refused": answer.refused,
                "citation_validity": scorers.citation_validity(
                    answer.text,
                    [h.chunk.id for h in answer.citations],
                    [h.chunk.id for h in answer.retrieved],
                ),
                "citation_support": scorers.citation_support(answer.text, cited, similarity, threshold),
                "groundedness": scorers.groundedness(answer.text, context, similarity, threshold),
                "draft_groundedness": scorers.groundedness(answer.generated, context, similarity, threshold),
                "model_sentences": len(answer.kept) + len(answer.dropped),  # as the checks split them
                "model_sentences_kept": len(answer.kept),
                "cites_expected": any(
                    scorers.is_relevant(h.chunk.path, case.expected) for h in answer.citations
                ),
                "key_fact_recall": scorers.key_fact_recall(answer.text, case.key_facts),
                "words": scorers.word_count(answer.text),
                "first_token_ms": answer.timings_ms.get("first_token"),
                "retrieved": [list(h.chunk.path) for h in answer.retrieved],
                "expected": case.expected,
            }
        )
    refusal = refusals(parts, split, limit, progress)
    decisions = [(r["should_refuse"], r["refused"]) for r in refusal] + [
        (False, r["refused"]) for r in records
    ]
    drafted = sum(r["model_sentences"] for r in records)
    metrics = {
        "citation_validity": _mean_of(records, "citation_validity"),
        "citation_support": _mean_of(records, "citation_support"),
        "groundedness": _mean_of(records, "groundedness"),
        "draft_groundedness": _mean_of(records, "draft_groundedness"),
        "model_sentences_kept": sum(r["model_sentences_kept"] for r in records) / drafted if drafted else 0.0,
        "cites_expected_section": _mean_of(records, "cites_expected"),
        "key_fact_recall": _mean_of(records, "key_fact_recall"),
        **scorers.refusal_scores(decisions),
        "answer_words_mean": _mean_of(records, "words"),
        "answer_words_max": max((r["words"] for r in records), default=0),
        "support_threshold": threshold,
        "support_calibration_accuracy": accuracy,
        "support_calibration_pairs": pairs,
        "cases": len(records),
        "refusal_cases": len(decisions),
    }
    return metrics, records + refusal


def refusals(parts: Components, split: str, limit: int | None, progress: Progress) -> list[dict]:
    """Whether the tutor refuses each refusal case (decided before the model is called)."""
    retriever = parts.retriever
    records = []
    for case in progress(datasets.refusals(split, limit), "refusals"):
        hits = retriever.search(case.question, parts.settings.top_k)
        refused = not retriever.covers(case.question, hits)
        records.append(
            {
                "suite": "refusals",
                "id": case.id,
                "split": case.split,
                "question": case.question,
                "should_refuse": case.should_refuse,
                "refused": refused,
                "retrieved": [list(h.chunk.path) for h in hits],
            }
        )
    return records


def _mean_of(records: list[dict], key: str) -> float:
    values = [float(r[key]) for r in records if r.get(key) is not None]
    return sum(values) / len(values) if values else 0.0


# --- plans --------------------------------------------------------------------------------


def plans(parts: Components, split: str, limit: int | None, progress: Progress):
    from app.study import PlanRequest

    planner = parts.planner
    curriculum = planner.curriculum
    node_paths = {node.path for node in planner.tree.nodes.values()}
    records = []
    for profile in progress(datasets.plans(split, limit), "plans"):
        request = PlanRequest(
            profile.goal,
            profile.hours_per_week,
            weeks=profile.weeks,
            until=date.fromisoformat(profile.until) if profile.until else None,
            start=date.fromisoformat(profile.start) if profile.start else None,
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
            {
                "suite": "plans",
                "id": profile.id,
                "split": profile.split,
                "question": profile.learner or profile.goal,
                "goal": profile.goal,
                "weeks": len(data["weeks"]),
                "total_hours": data["total_hours"],
                "unscheduled_hours": round(sum(u["hours"] for u in data["unscheduled"]), 1),
                "prerequisite_violations": counts["prerequisite"],
                "budget_violations": counts["budget"],
                "known_topic_leaks": counts["known"],
                "unknown_paths": bad_paths,
                "target_coverage": coverage["covered"],
                "targets_accounted": coverage["accounted"],
            }
        )
    total = lambda key: sum(r[key] for r in records)  # noqa: E731
    return {
        "prerequisite_violations": total("prerequisite_violations"),
        "budget_violations": total("budget_violations"),
        "known_topic_leaks": total("known_topic_leaks"),
        "unknown_paths": total("unknown_paths"),
        "target_coverage": _mean_of(records, "target_coverage"),
        "targets_accounted": _mean_of(records, "targets_accounted"),
        "weeks": total("weeks"),
        "cases": len(records),
    }, records


# --- latency ------------------------------------------------------------------------------

LATENCY_RETRIEVALS = 50
LATENCY_ANSWERS = 5


def latency(parts: Components, split: str, limit: int | None, progress: Progress):
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
    return {
        "retrieve_p50_ms": scorers.percentile(retrieve_ms, 50),
        "retrieve_p95_ms": scorers.percentile(retrieve_ms, 95),
        "first_token_p50_ms": scorers.percentile(first_token_ms, 50),
        "first_token_p95_ms": scorers.percentile(first_token_ms, 95),
        "tokens_per_s": scorers.percentile(rates, 50),
        "samples": {"retrieve_ms": retrieve_ms, "first_token_ms": first_token_ms, "tokens_per_s": rates},
        "cases": len(retrieve_ms) + len(first_token_ms),
    }, []


def time_tutor(tutor: Tutor, question: str):
    """(ms to the lead, ms to the model's first token, model tokens/s, Answer) for one question."""
    from app.tutor import Answer

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
}
