"""Scorers: small pure functions, one concern each, from known inputs to a number.

Retrieval scorers take the 1-based rank of the first relevant hit (None when
none of the retrieved hits is relevant) or the relevance of each retrieved hit;
answer scorers take text and excerpts; plan scorers take a plan and the
curriculum. Nothing here loads a model or touches the index.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

# --- retrieval ------------------------------------------------------------------------


def is_relevant(path: Sequence[str], expected: Iterable[Sequence[str]]) -> bool:
    """A retrieved heading path answers the case when it starts with an expected path."""
    return any(tuple(path[: len(e)]) == tuple(e) for e in expected)


def first_relevant_rank(relevance: Sequence[bool]) -> int | None:
    return next((n for n, relevant in enumerate(relevance, start=1) if relevant), None)


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of cases with a relevant hit in the top k."""
    return _mean([1.0 if r is not None and r <= k else 0.0 for r in ranks])


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank of the first relevant hit (0 when none was retrieved)."""
    return _mean([1.0 / r if r else 0.0 for r in ranks])


def ndcg_at(relevance: Sequence[bool], relevant_total: int, k: int) -> float:
    """Binary nDCG@k for one case: `relevant_total` is how many indexed sections are relevant."""
    ideal = sum(1 / math.log2(n + 2) for n in range(min(relevant_total, k)))
    if ideal == 0:
        return 0.0
    return sum(1 / math.log2(n + 2) for n, rel in enumerate(relevance[:k]) if rel) / ideal


# --- answers --------------------------------------------------------------------------

# [n] or [n, m] where citations go: after a space, closing a sentence or a clause (":"), not before another
# bracket. Not "stack = [1, 2];" or "deque([1, 2])", which answers quote from the entries.
_MARKER = re.compile(r"(?<=\s)\[(\d+(?:\s*,\s*\d+)*)\](?=[.!?:]?(?:\s+(?!\[\d)|$))")
# A sentence ends at . ! ? after a letter or a closing mark, so "› 6. Model" does not split.
_SENTENCE_END = re.compile(r"(?<=[A-Za-z\])\"'][.!?])\s+(?=[A-Z0-9\"'(\[])")


def sentences(text: str) -> list[str]:
    """Split answer text into sentences (citation markers stay with their sentence)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def citation_markers(text: str) -> list[int]:
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\s*,\s*", group)]


def strip_markers(text: str) -> str:
    return " ".join(_MARKER.sub("", text).split())


def citation_validity(text: str, cited_ids: Sequence[str], retrieved_ids: Iterable[str]) -> float | None:
    """Share of `[n]` markers that name a cited chunk which was actually retrieved.

    `cited_ids[n - 1]` is the chunk behind marker `[n]`. None when the text has no marker.
    """
    markers = citation_markers(text)
    if not markers:
        return None
    retrieved = set(retrieved_ids)
    valid = [1 <= n <= len(cited_ids) and cited_ids[n - 1] in retrieved for n in markers]
    return _mean([1.0 if v else 0.0 for v in valid])


def citation_support(
    text: str, cited_texts: Sequence[str], similarity: Callable[[str, str], float], threshold: float
) -> float | None:
    """Share of cited sentences whose cited excerpt supports them (similarity >= threshold).

    A sentence citing several excerpts is supported when any of them supports it; a
    marker that names no excerpt counts as unsupported. None when nothing is cited.
    """
    scores = []
    for sentence in sentences(text):
        markers = citation_markers(sentence)
        if not markers:
            continue
        claim = strip_markers(sentence)
        best = max(
            (similarity(claim, cited_texts[n - 1]) for n in markers if 1 <= n <= len(cited_texts)),
            default=-1.0,
        )
        scores.append(1.0 if best >= threshold else 0.0)
    return _mean(scores) if scores else None


def groundedness(
    text: str, context: Sequence[str], similarity: Callable[[str, str], float], threshold: float
) -> float | None:
    """Share of the text's sentences supported by some retrieved excerpt. None for no sentences."""
    claims = [strip_markers(s) for s in sentences(text)]
    claims = [c for c in claims if c]
    if not claims:
        return None
    supported = [
        max((similarity(c, excerpt) for excerpt in context), default=-1.0) >= threshold for c in claims
    ]
    return _mean([1.0 if s else 0.0 for s in supported])


def key_fact_recall(text: str, facts: Sequence[Sequence[str]]) -> float:
    """Share of key facts present: a fact is a list of phrases, any one of which must appear."""
    lowered = text.lower()
    return _mean([1.0 if any(p.lower() in lowered for p in phrases) else 0.0 for phrases in facts])


def refusal_scores(decisions: Sequence[tuple[bool, bool]]) -> dict[str, float]:
    """Precision and recall of refusing, from (should_refuse, refused) pairs.

    Precision: of the questions refused, the share that should have been; recall: of
    the questions that should be refused, the share that were. 1.0 when undefined
    (nothing refused / nothing to refuse), so an empty class never reads as a failure.
    """
    refused = [should for should, did in decisions if did]
    should = [did for should, did in decisions if should]
    precision = sum(refused) / len(refused) if refused else 1.0
    recall = sum(should) / len(should) if should else 1.0
    return {"refusal_precision": precision, "refusal_recall": recall}


def word_count(text: str) -> int:
    return len(strip_markers(text).split())


def calibrate_threshold(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """The similarity cut that best separates supported from unsupported pairs (most correct;
    ties go to the higher cut, the stricter one)."""
    candidates = sorted(set(positives) | set(negatives))
    best, best_correct = 0.0, -1
    for cut in candidates:
        correct = sum(p >= cut for p in positives) + sum(n < cut for n in negatives)
        if correct >= best_correct:
            best, best_correct = cut, correct
    return best


# --- plans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRules:
    """What a plan must respect for one learner, by unit id.

    `hours` is what the learner still has to learn of each unit (known topics
    left out); `essentials` the hours of its essentials (0 when the learner
    knows its essential topics); `needs` the prerequisites its essentials rely on.
    """

    prerequisites: Mapping[str, Iterable[str]]
    needs: Mapping[str, Iterable[str]]
    hours: Mapping[str, float]
    essentials: Mapping[str, float]
    known_units: frozenset[str] = frozenset()
    known_topics: frozenset[str] = frozenset()


def plan_violations(weeks: Sequence[dict], rules: PlanRules, hours_per_week: float) -> dict[str, int]:
    """Count the ways a plan (its `to_json()["weeks"]`) breaks the planner's promises.

    - budget: weeks whose hours exceed the weekly budget;
    - prerequisite: a unit's course (or its essentials) started before one of its
      prerequisites (or one its essentials need) was ready: known, its essentials
      completely scheduled, or its whole course completely scheduled;
    - known: learn or essentials items for a unit the learner knows, or that cover
      a topic the learner knows.
    """
    learned: dict[str, float] = {}
    prepared: dict[str, float] = {}

    def ready(unit: str) -> bool:
        needed = rules.essentials.get(unit, 0.0)
        done = learned.get(unit, 0.0) + prepared.get(unit, 0.0)
        return (
            unit in rules.known_units
            or needed <= 1e-6
            or prepared.get(unit, 0.0) >= needed - 1e-6
            or done >= rules.hours.get(unit, math.inf) - 1e-6
        )

    started: set[tuple[str, str]] = set()
    counts = {"budget": 0, "prerequisite": 0, "known": 0}
    for week in weeks:
        if sum(i["hours"] for i in week["items"]) > hours_per_week + 1e-9:
            counts["budget"] += 1
        for item in week["items"]:
            kind, unit = item["kind"], item["topic_id"]
            if kind not in ("learn", "essentials"):
                continue
            if unit in rules.known_units or rules.known_topics & set(item.get("topics", ())):
                counts["known"] += 1
            if (unit, kind) not in started:
                started.add((unit, kind))
                needs = rules.prerequisites.get(unit, ()) if kind == "learn" else rules.needs.get(unit, ())
                counts["prerequisite"] += sum(1 for p in needs if not ready(p))
            done = learned if kind == "learn" else prepared
            done[unit] = done.get(unit, 0.0) + item["hours"]
    return counts


def goal_progress(weeks: Sequence[dict], goals: Iterable[str]) -> dict:
    """How a plan serves its goal topics (the targets the learner does not already know).

    - share: of the plan's hours that are not review, the share spent learning goal topics;
    - first_week: the week of the first goal-topic item (None when the plan never gets there);
    - reached: the share of goal topics the plan spends time on (1.0 when there are none).
    """
    goals = set(goals)
    work = on_goal = 0.0
    first = None
    reached: set[str] = set()
    for week in weeks:
        for item in week["items"]:
            if item["kind"] == "review":
                continue
            work += item["hours"]
            if item["kind"] in ("learn", "essentials") and item["topic_id"] in goals:
                on_goal += item["hours"]
                reached.add(item["topic_id"])
                first = first or week["week"]
    return {
        "share": on_goal / work if work else 0.0,
        "first_week": first,
        "reached": len(reached) / len(goals) if goals else 1.0,
    }


def target_coverage(targets: Sequence[str], covered: set[str], unscheduled: set[str]) -> dict[str, float]:
    """Share of targets fully scheduled, and share either scheduled or listed as not fitting."""
    if not targets:
        return {"covered": 1.0, "accounted": 1.0}
    return {
        "covered": _mean([1.0 if t in covered else 0.0 for t in targets]),
        "accounted": _mean([1.0 if t in covered or t in unscheduled else 0.0 for t in targets]),
    }


# --- goals ----------------------------------------------------------------------------


def goal_passes(
    kind: str, status: str, chosen: Sequence[str], expected: Sequence[str], also_ok: Sequence[str]
) -> bool:
    """Whether a goal was resolved well (the rule in evals/datasets/goals.yaml).

    Out-of-scope goals pass only when nothing is resolved ("none"), ambiguous ones
    only when the learner is asked ("ask"). Others pass when asked, or when every
    id of the top-1 reading is expected or also fine, or lies under an expected section.
    """
    if kind == "out_of_scope":
        return status == "none"
    if kind == "ambiguous":
        return status == "ask"
    if status == "ask":
        return True
    fine = set(expected) | set(also_ok)
    return bool(chosen) and all(i in fine or any(i.startswith(f"{e}/") for e in expected) for i in chosen)


# --- latency --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation, as numpy computes it); None for no values."""
    if not values:
        return None
    import numpy

    return float(numpy.percentile(values, q))


def mean(values: Iterable[float | None]) -> float:
    """The mean of the values that are not None (0.0 when there are none)."""
    return _mean([float(v) for v in values if v is not None])


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
