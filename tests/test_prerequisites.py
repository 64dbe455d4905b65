"""app/answer/prerequisites.py: questions on what to learn before a topic."""

from __future__ import annotations

import pytest

from app.answer.prerequisites import before_sentence, order_sentence, prerequisites_of, which_first


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("how much math do I need for deep learning?", "deep learning"),
        ("what should I learn before transformers?", "transformers"),
        ("Which topics should I study before learning NLP?", "NLP"),
        ("prerequisites for MLOps", "MLOps"),
        ("What are the prerequisites of reinforcement learning?", "reinforcement learning"),
        ("do I need calculus for machine learning?", "machine learning"),
        ("what do I need to know to learn Kubernetes?", "Kubernetes"),
        ("what does deep learning build on?", "deep learning"),
        # Not a question on what to learn first.
        ("what is a prerequisite?", ""),
        ("Do I need a GPU for deep learning?", ""),
        ("Do I need to normalize data for k-means?", ""),
        ("how much memory do I need for a 7B model?", ""),
        ("What should I check before deploying a model?", ""),
        ("what should I learn next?", ""),
        ("Which parts of Python should I really master before doing AI work?", ""),  # about Python
        ("Which topics do I need to know before MLOps?", "MLOps"),
    ],
)
def test_the_topic_whose_prerequisites_are_asked_for(question: str, topic: str) -> None:
    assert prerequisites_of(question) == topic


def test_the_opening_names_what_the_curriculum_puts_before_the_unit() -> None:
    path = ("ML", "Transformers")
    before = {
        path: (["Deep Learning Fundamentals", "RNNs", "Attention", "Embeddings"], ["Sequence Modeling"])
    }
    sentence = before_sentence("transformers", path, lambda p: before.get(p, ([], [])))
    assert (
        sentence
        == "Before transformers, the roadmap has you learn Deep Learning Fundamentals, RNNs and Attention."
    )
    assert before_sentence("Python", ("Python",), lambda p: ([], ["ML"])) == (
        "The roadmap puts nothing before Python: you can start with it."
    )
    assert before_sentence("teamwork", ("Soft Skills",), lambda p: ([], [])) == ""  # in no unit


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("should I learn statistics or python first?", ("statistics", "python")),
        ("what should I learn first, SQL or pandas?", ("SQL", "pandas")),
        ("docker or kubernetes first?", ("docker", "kubernetes")),
        ("Which comes first: linear algebra or calculus?", ("linear algebra", "calculus")),
        ("should I use Flask or FastAPI?", None),  # a choice, not an order
        ("what should I learn first?", None),  # the coach's "what next"
    ],
)
def test_the_two_topics_whose_order_is_asked(question: str, sides: tuple[str, str] | None) -> None:
    assert which_first(question) == sides


def test_the_order_is_said_as_the_curriculum_has_it() -> None:
    sides = ("docker", "kubernetes")
    assert order_sentence(sides, ("Docker", "Kubernetes", 1)) == (
        "Learn docker first: in the roadmap, kubernetes (Kubernetes) builds on docker (Docker)."
    )
    assert order_sentence(sides[::-1], ("Kubernetes", "Docker", -1)).startswith("Learn docker first:")
    assert order_sentence(sides, ("Docker", "Git", 0)).startswith(
        "Neither waits for the other in the roadmap"
    )
    assert order_sentence(sides, ("Containers", "Containers", 0)) == (
        "The roadmap teaches docker and kubernetes together, in Containers."
    )
