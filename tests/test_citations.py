"""app/answer/citations.py: every [n] in an answer points at a retrieved excerpt."""

from __future__ import annotations

import pytest

from app.answer.citations import attach_citations, before_final_punctuation, cited_numbers, drop_invalid


@pytest.fixture
def hits(make_hit):
    return [
        make_hit(
            ("Programming Basics", "2. Version Control"), "- Git basics:\n  - Commits, branches, merging."
        ),
        make_hit(("Machine Learning Operations", "1. Experiment Tracking"), "- Tools:\n  - MLflow, W&B."),
        make_hit(("Machine Learning Operations", "2. Model Serving"), "- Frameworks:\n  - FastAPI, Docker."),
    ]


def test_cited_numbers_in_order_of_appearance() -> None:
    assert cited_numbers("A [2]. B [1, 3]. C [2]. Not a marker: [x] or [].") == [2, 1, 3, 2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MLflow tracks runs [7].", "MLflow tracks runs."),
        ("Git and MLflow [1, 9].", "Git and MLflow [1]."),
        ("Zero is not an excerpt [0], three is [3].", "Zero is not an excerpt, three is [3]."),
        ("Kept [2] and [3].", "Kept [2] and [3]."),
    ],
)
def test_drop_invalid_markers(text: str, expected: str) -> None:
    assert drop_invalid(text, 3) == expected


def test_markers_are_renumbered_by_first_use(hits, embeddings) -> None:
    text, cited = attach_citations(
        ["Serving uses FastAPI [3].", "Git has branches [1].", "Docker too [3]."], hits, embeddings
    )
    assert text == "Serving uses FastAPI [1]. Git has branches [2]. Docker too [1]."
    assert cited == [hits[2], hits[0]]


def test_marker_n_is_citation_n(hits, embeddings) -> None:
    text, cited = attach_citations(["Both [2, 1].", "Again [1]."], hits, embeddings)
    assert text == "Both [1, 2]. Again [2]."
    assert [h.chunk.path[-1] for h in cited] == ["1. Experiment Tracking", "2. Version Control"]


def test_invalid_marker_is_dropped_and_the_sentence_attributed(hits, embeddings) -> None:
    text, cited = attach_citations(["MLflow and W&B track experiment metrics [7]."], hits, embeddings)
    assert text == "MLflow and W&B track experiment metrics [1]."
    assert cited == [hits[1]]


def test_unmarked_sentences_go_to_the_closest_excerpt(hits, embeddings) -> None:
    text, cited = attach_citations(
        ["Git branches and merging are the basics [1].", "FastAPI serves models in Docker containers."],
        hits,
        embeddings,
    )
    assert (
        text == "Git branches and merging are the basics [1]. FastAPI serves models in Docker containers [2]."
    )
    assert cited == [hits[0], hits[2]]


def test_no_citation_points_outside_the_hits(hits, embeddings) -> None:
    text, cited = attach_citations(["One [4].", "Two [2, 5].", "Three [99]."], hits, embeddings)
    assert all(h in hits for h in cited)
    assert max(cited_numbers(text)) <= len(cited)
    assert sorted(set(cited_numbers(text))) == list(range(1, len(cited) + 1))


def test_the_opening_keeps_text_that_looks_like_markers(hits, embeddings) -> None:
    # An entry's example quoted by the composed opening: these lists were read as markers,
    # and "[[2, 1], [1, 1]]" reached the learner as "[[1], [1, 1]]".
    opening = "For A = [[2, 1], [1, 1]], A^-1 = [[1, -1], [-1, 2]] [1]. map doubles [1, 2, 3] [2]."
    text, cited = attach_citations(["Serving uses FastAPI [3].", "Git [1]."], hits, embeddings, opening, 2)
    assert text == f"{opening} Serving uses FastAPI [3]. Git [1]."
    assert cited == list(hits)
    assert attach_citations([], hits, embeddings, opening, 2) == (opening, list(hits[:2]))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Hello.", "Hello [1]."),
        ("Really?", "Really [1]?"),
        ("No stop", "No stop [1]"),
        ("Spaces.  ", "Spaces [1]."),
    ],
)
def test_marker_goes_before_final_punctuation(sentence: str, expected: str) -> None:
    assert before_final_punctuation(sentence, " [1]") == expected
