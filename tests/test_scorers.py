"""evals/scorers.py: known inputs give known scores, failures lower them."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from evals import scorers

EXPECTED = [["A", "1. X"], ["B"]]


def test_relevance_is_a_path_prefix() -> None:
    assert scorers.is_relevant(("A", "1. X", "Sub"), EXPECTED)
    assert scorers.is_relevant(("B", "2. Y"), EXPECTED)
    assert not scorers.is_relevant(("A", "2. Z"), EXPECTED)
    assert not scorers.is_relevant(("A",), EXPECTED)  # shorter than the expected path


def test_rank_metrics_by_hand() -> None:
    ranks = [1, 3, None, 2]
    assert scorers.hit_at(ranks, 1) == 0.25
    assert scorers.hit_at(ranks, 3) == 0.75
    assert scorers.mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert scorers.first_relevant_rank([False, False, True]) == 3
    assert scorers.first_relevant_rank([False]) is None


def test_ndcg_by_hand() -> None:
    assert scorers.ndcg_at([True, False, False], 1, 5) == 1.0
    assert scorers.ndcg_at([False, True], 1, 5) == pytest.approx(1 / math.log2(3))
    assert scorers.ndcg_at([False] * 5, 2, 5) == 0.0
    assert scorers.ndcg_at([True, True], 0, 5) == 0.0


def test_ir_metrics_agree_with_sentence_transformers() -> None:
    """Cross-check hit@k, MRR and nDCG against sentence-transformers' IR evaluator."""
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    runs = {  # query -> retrieved doc ids in rank order
        "q1": ["d1", "d2", "d3", "d4", "d5"],
        "q2": ["d6", "d7", "d1", "d8", "d9"],
        "q3": ["d2", "d3", "d4", "d5", "d6"],
        "q4": ["d9", "d8", "d7", "d6", "d5"],
    }
    relevant = {"q1": {"d1", "d4"}, "q2": {"d1"}, "q3": {"d7"}, "q4": {"d5", "d6", "d0"}}
    evaluator = InformationRetrievalEvaluator(
        queries={q: q for q in runs},
        corpus={d: d for d in {d for ids in runs.values() for d in ids} | {"d0", "d7"}},
        relevant_docs=relevant,
        accuracy_at_k=[1, 3, 5],
        mrr_at_k=[5],
        ndcg_at_k=[5],
        write_csv=False,
    )
    theirs = evaluator.compute_metrics(
        [[{"corpus_id": d, "score": 10.0 - n} for n, d in enumerate(runs[q])] for q in runs]
    )
    relevance = {q: [d in relevant[q] for d in runs[q]] for q in runs}
    ranks = [scorers.first_relevant_rank(relevance[q]) for q in runs]
    for k in (1, 3, 5):
        assert scorers.hit_at(ranks, k) == pytest.approx(theirs["accuracy@k"][k])
    assert scorers.mrr(ranks) == pytest.approx(theirs["mrr@k"][5])
    ours = [scorers.ndcg_at(relevance[q], len(relevant[q]), 5) for q in runs]
    assert sum(ours) / len(ours) == pytest.approx(theirs["ndcg@k"][5])


def test_sentences_keep_markers_and_numbered_headings() -> None:
    text = "It is under Area › 6. Model Deployment [1]: APIs. In plain words: it ships models [1, 2]. Done."
    assert scorers.sentences(text) == [
        "It is under Area › 6. Model Deployment [1]: APIs.",
        "In plain words: it ships models [1, 2].",
        "Done.",
    ]
    assert scorers.citation_markers(text) == [1, 1, 2]


def test_quoted_lists_are_not_citation_markers() -> None:
    text = "For example, stack = [1, 2]; q = deque([1, 2]) and A = [[2, 1], [1, 1]] [1]. Done [2]."
    assert scorers.citation_markers(text) == [1, 2]
    stripped = scorers.strip_markers(text)
    assert "[[2, 1], [1, 1]]" in stripped and "[1]" not in stripped and "[2]" not in stripped


def test_citation_validity_drops_with_a_wrong_citation() -> None:
    retrieved = ["c1", "c2", "c3"]
    assert scorers.citation_validity("A [1]. B [2].", ["c1", "c2"], retrieved) == 1.0
    # [3] names no cited excerpt; a cited chunk that was never retrieved is invalid too.
    assert scorers.citation_validity("A [1]. B [3].", ["c1", "c2"], retrieved) == 0.5
    assert scorers.citation_validity("A [1]. B [2].", ["c1", "c9"], retrieved) == 0.5
    assert scorers.citation_validity("No markers.", [], retrieved) is None


def word_overlap(a: str, b: str) -> float:
    """A transparent stand-in for embedding similarity: Jaccard overlap of words."""
    x, y = set(a.lower().strip(".").split()), set(b.lower().strip(".").split())
    return len(x & y) / len(x | y) if x | y else 0.0


def test_citation_support_drops_when_the_cited_excerpt_is_unrelated() -> None:
    excerpts = ["gradient descent minimises the loss", "kafka streams events between services"]
    good = "Gradient descent minimises the loss [1]."
    assert scorers.citation_support(good, excerpts, word_overlap, 0.5) == 1.0
    wrong = "Gradient descent minimises the loss [2]."
    assert scorers.citation_support(wrong, excerpts, word_overlap, 0.5) == 0.0
    mixed = good + " Kafka streams events between services [1]."
    assert scorers.citation_support(mixed, excerpts, word_overlap, 0.5) == 0.5
    assert scorers.citation_support("Uncited sentence.", excerpts, word_overlap, 0.5) is None


def test_groundedness_drops_with_an_unsupported_sentence() -> None:
    context = ["gradient descent minimises the loss", "kafka streams events between services"]
    grounded = "Gradient descent minimises the loss [1]. Kafka streams events between services."
    assert scorers.groundedness(grounded, context, word_overlap, 0.5) == 1.0
    invented = grounded + " The moon is made of green cheese."
    assert scorers.groundedness(invented, context, word_overlap, 0.5) == pytest.approx(2 / 3)
    assert scorers.groundedness("", context, word_overlap, 0.5) is None


def test_key_fact_recall_counts_facts_not_phrases() -> None:
    facts = [["svd", "singular value decomposition"], ["eigenvalue"], ["transpose"]]
    assert scorers.key_fact_recall("SVD and an Eigenvalue.", facts) == pytest.approx(2 / 3)
    assert scorers.key_fact_recall("Nothing relevant.", facts) == 0.0


def test_refusal_precision_and_recall() -> None:
    # (should refuse, refused)
    decisions = [(True, True), (True, False), (False, True), (False, False), (False, False)]
    assert scorers.refusal_scores(decisions) == {"refusal_precision": 0.5, "refusal_recall": 0.5}
    assert scorers.refusal_scores([(False, False)]) == {"refusal_precision": 1.0, "refusal_recall": 1.0}


def test_calibrated_threshold_separates_the_labels() -> None:
    assert scorers.calibrate_threshold([0.6, 0.7, 0.8], [0.1, 0.2, 0.5]) == 0.6
    # Overlap: the cut with the most correct labels wins.
    cut = scorers.calibrate_threshold([0.3, 0.6, 0.7], [0.1, 0.4])
    assert cut == 0.6


def week(number: int, *items) -> dict:
    """A plan week as `Plan.to_json()` writes it: (unit, hours, kind[, topics]) per item."""
    return {
        "week": number,
        "items": [
            {"topic_id": t, "hours": h, "kind": k, "topics": list(rest[0]) if rest else []}
            for t, h, k, *rest in items
        ],
    }


# b needs a; c needs b. b's essentials (1 h of its 2 h) need a's essentials (1 h of a's 2 h).
RULES = scorers.PlanRules(
    prerequisites={"b": ["a"], "c": ["b"]},
    needs={"a": [], "b": ["a"]},
    hours={"a": 2.0, "b": 2.0, "c": 2.0},
    essentials={"a": 1.0, "b": 1.0},
)


def test_plan_violations_catch_each_kind() -> None:
    good = [
        week(1, ("a", 2.0, "learn"), ("b", 1.0, "learn")),
        week(2, ("b", 1.0, "learn"), ("c", 2.0, "learn")),
    ]
    assert scorers.plan_violations(good, RULES, 3) == {"budget": 0, "prerequisite": 0, "known": 0}
    # c starts while b is only half done; week 1 holds 4 h of a 3 h budget.
    bad = [
        week(1, ("a", 2.0, "learn"), ("b", 1.0, "learn"), ("c", 1.0, "learn")),
        week(2, ("b", 1.0, "learn")),
    ]
    assert scorers.plan_violations(bad, RULES, 3) == {"budget": 1, "prerequisite": 1, "known": 0}
    # A known topic scheduled again is a leak; knowing a prerequisite satisfies it.
    known = replace(RULES, known_units=frozenset({"a"}), known_topics=frozenset({"a/x"}))
    leak = [week(1, ("a", 2.0, "learn"), ("b", 1.0, "review"))]
    assert scorers.plan_violations(leak, known, 3)["known"] == 1
    assert scorers.plan_violations([week(1, ("b", 2.0, "learn"))], known, 3) == {
        "budget": 0,
        "prerequisite": 0,
        "known": 0,
    }
    # So is an item that covers a known topic of a unit the learner only partly knows.
    partly = replace(RULES, known_topics=frozenset({"c/y"}))
    assert scorers.plan_violations([week(1, ("a", 2.0, "learn", ["a/x"]))], partly, 3)["known"] == 0
    assert scorers.plan_violations([week(1, ("c", 2.0, "learn", ["c/y"]))], partly, 3)["known"] == 1


def test_essentials_satisfy_a_prerequisite_once_complete() -> None:
    # c's course after b's essentials, which come after a's essentials: the fast track.
    fast = [week(1, ("a", 1.0, "essentials"), ("b", 1.0, "essentials"), ("c", 1.0, "learn"))]
    assert scorers.plan_violations(fast, RULES, 3)["prerequisite"] == 0
    # b's essentials are half done when c starts; then a's essentials are missing before b's.
    early = [week(1, ("a", 1.0, "essentials"), ("b", 0.5, "essentials"), ("c", 1.0, "learn"))]
    assert scorers.plan_violations(early, RULES, 3)["prerequisite"] == 1
    skipped = [week(1, ("b", 1.0, "essentials"), ("c", 1.0, "learn"))]
    assert scorers.plan_violations(skipped, RULES, 3)["prerequisite"] == 1
    # A course needs every prerequisite ready, essentials only those they rely on.
    course = [week(1, ("b", 2.0, "learn"))]
    assert scorers.plan_violations(course, RULES, 3)["prerequisite"] == 1
    # Essentials already covered by what the learner knows (0 h needed) are ready.
    covered = replace(RULES, essentials={"a": 0.0, "b": 1.0})
    assert scorers.plan_violations(skipped, covered, 3)["prerequisite"] == 0


def test_goal_progress() -> None:
    weeks = [
        week(1, ("a", 1.0, "essentials"), ("b", 1.0, "essentials")),
        week(2, ("a", 1.0, "review"), ("c", 2.0, "learn"), ("area", 1.0, "project")),
        week(3, ("d", 1.0, "essentials")),
    ]
    progress = scorers.goal_progress(weeks, {"c", "d", "e"})
    # 3 h on goal topics (c, and d's essentials) of 6 h that are not review.
    assert progress == {"share": pytest.approx(3 / 6), "first_week": 2, "reached": pytest.approx(2 / 3)}
    assert scorers.goal_progress(weeks, {"e"}) == {"share": 0.0, "first_week": None, "reached": 0.0}
    assert scorers.goal_progress([], set())["reached"] == 1.0


@pytest.mark.parametrize(
    ("kind", "status", "chosen", "passes"),
    [
        ("unit", "matched", ["s/u1"], True),  # expected
        ("unit", "matched", ["s/u2", "x"], True),  # both fine: under the expected section, also ok
        ("unit", "matched", ["s/u2", "y"], False),  # one of the set is wrong
        ("unit", "matched", ["t"], False),
        ("unit", "ask", [], True),
        ("unit", "none", [], False),
        ("ambiguous", "matched", ["s/u1"], False),
        ("ambiguous", "ask", [], True),
        ("out_of_scope", "ask", [], False),
        ("out_of_scope", "none", [], True),
    ],
)
def test_goal_passes(kind: str, status: str, chosen: list[str], passes: bool) -> None:
    assert scorers.goal_passes(kind, status, chosen, ["s/u1", "s"], ["x"]) is passes


def test_target_coverage() -> None:
    assert scorers.target_coverage(["a", "b", "c"], {"a"}, {"b"}) == {
        "covered": pytest.approx(1 / 3),
        "accounted": pytest.approx(2 / 3),
    }


def test_percentile_matches_numpy_convention() -> None:
    assert scorers.percentile([1, 2, 3, 4], 50) == 2.5
    assert scorers.percentile([10.0], 95) == 10.0
    assert scorers.percentile([], 50) is None
