"""Questions on how to avoid or fix a problem open on the entry that acts against it."""

from __future__ import annotations

import pytest

from app.answer.asking import Turn
from app.answer.remedies import answers_remedy, remedy_first, remedy_of
from app.answer.retrieve import Hit, Retrieval
from ingest.store import StoredChunk


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ("how do I avoid overfitting?", "overfitting"),
        ("How to prevent dead neurons", "dead neurons"),
        ("what are some ways to reduce overfitting", "overfitting"),
        ("how can we fix vanishing gradients?", "vanishing gradients"),
        ("how do I stop my model from overfitting?", "overfitting"),
        ("and how do I deal with it?", "it"),
        ("what is overfitting?", ""),
        ("how does dropout reduce overfitting?", ""),  # how something works, not what to do
    ],
)
def test_the_problem_a_question_asks_to_avoid(question: str, problem: str) -> None:
    assert remedy_of(question) == problem


def entry(name: str, text: str) -> Hit:
    return Hit(StoredChunk(name, "roadmap", ("ML", name), text, "entry", 10), 0.5)


OVERFITTING = entry("Overfitting and underfitting", "Overfitting is when a model learns the noise.")
STACKING = entry("Stacking", "Stacking trains a meta-model on base predictions. It can overfit.")
REGULARIZATION = entry(
    "Regularization against overfitting",
    "Regularization constrains a model. Regularization reduces overfitting by trading bias for variance.",
)


def test_the_entry_that_acts_against_the_problem_opens() -> None:
    found = Retrieval([], [OVERFITTING, STACKING, REGULARIZATION])
    opened = remedy_first(found, "how do I avoid overfitting?").entries
    assert opened == [REGULARIZATION, OVERFITTING, STACKING]
    assert remedy_first(found, "what is overfitting?").entries == found.entries
    # A follow-up's "it" is what the previous question asked about.
    history = [Turn("what's overfitting?", "Overfitting is …")]
    assert remedy_first(found, "and how do I avoid it?", history).entries[0] is REGULARIZATION
    assert remedy_first(found, "and how do I avoid it?").entries == found.entries


def test_an_entry_that_only_mentions_the_problem_does_not_act_against_it() -> None:
    found = Retrieval([], [OVERFITTING, STACKING])
    assert remedy_first(found, "how do I avoid overfitting?").entries == found.entries
    assert not answers_remedy("how do I avoid overfitting?", STACKING)
    assert answers_remedy("how do I avoid overfitting?", REGULARIZATION)
