"""app/grounding.py: sentence support, the check that drops unsupported sentences, the lead."""

from __future__ import annotations

import pytest

from app.grounding import check_sentences, content_terms, flatten, lead, split_sentences, support

TRACKING_TEXT = (
    "- Tools:\n  - MLflow, Weights & Biases (W&B).\n- Tracking:\n  - Metrics, hyperparameters, artifacts."
)
TRACKING = ("Machine Learning Operations", "1. Experiment Tracking")


def test_content_terms_are_stemmed_without_stopwords_or_markers() -> None:
    assert content_terms("The models are training on the metrics [1].") == ["model", "train", "metric"]


@pytest.mark.parametrize(
    ("sentence", "evidence", "expected"),
    [
        ("MLflow tracks metrics", ["MLflow records metrics."], 2 / 3),
        ("MLflow tracks metrics", ["Tracking MLflow metrics."], 1.0),
        ("Kubernetes orchestrates containers", ["MLflow tracks metrics"], 0.0),
        ("It is [1].", ["anything"], 1.0),  # no content words
        ("Weights & Biases", [], 0.0),
    ],
)
def test_support_known_values(sentence: str, evidence: list[str], expected: float) -> None:
    assert support(sentence, evidence) == pytest.approx(expected)


def test_split_sentences() -> None:
    assert split_sentences("One sentence. Two [1]! (Three) here\nFour") == [
        "One sentence.",
        "Two [1]!",
        "(Three) here",
        "Four",
    ]
    assert split_sentences("e.g. lower case stays together.") == ["e.g. lower case stays together."]


def test_check_keeps_supported_and_drops_the_rest(make_hit) -> None:
    hits = [make_hit(TRACKING, TRACKING_TEXT)]
    supported = "The roadmap lists MLflow and Weights & Biases for experiment tracking [1]."
    invented = "Quantum annealing bakes sourdough bread overnight [1]."
    fragment = "The tracking tools include:"
    short = "MLflow tracks [1]."
    checked = check_sentences(
        f"{supported} {invented} {short}\n{fragment}", hits, "Which tools does the roadmap list?"
    )
    assert checked.kept == [supported]
    assert checked.dropped == [invented, short, fragment]


def test_the_question_counts_as_evidence(make_hit) -> None:
    hits = [make_hit(TRACKING, TRACKING_TEXT)]
    sentence = "Reproducible notebooks need MLflow tracking."
    assert check_sentences(sentence, hits, "do reproducible notebooks need it?").kept == [sentence]
    assert check_sentences(sentence, hits, "what else?").dropped == [sentence]


def test_bare_markers_are_neither_kept_nor_dropped(make_hit) -> None:
    checked = check_sentences("[1]\n[2].", [make_hit(TRACKING, TRACKING_TEXT)], "q")
    assert (checked.kept, checked.dropped) == ([], [])


def test_flatten_turns_an_outline_into_one_line() -> None:
    assert (
        flatten(TRACKING_TEXT)
        == "Tools: MLflow, Weights & Biases (W&B); Tracking: Metrics, hyperparameters, artifacts"
    )
    assert flatten("- a\n- b\n- c\n- d\n- e") == "a; b; c; d"  # four groups at most
    assert flatten("A plain paragraph.") == "A plain paragraph"


def test_lead_quotes_the_top_excerpt_and_cites_it(make_hit) -> None:
    hits = [make_hit(TRACKING, TRACKING_TEXT), make_hit(("Other",), "- Not quoted.")]
    assert lead(hits) == (
        "The roadmap covers this under Machine Learning Operations › 1. Experiment Tracking [1]: "
        "Tools: MLflow, Weights & Biases (W&B); Tracking: Metrics, hyperparameters, artifacts."
    )


def test_lead_of_an_empty_excerpt_is_just_the_place(make_hit) -> None:
    assert lead([make_hit(("A", "B"), "")]) == "The roadmap covers this under A › B [1]."
