"""Reading a question's shape (app/answer/asking.py): a comparison's sides, a list, an example,
and how a learner wants it said, which is not what is asked."""

from __future__ import annotations

import pytest

from app.answer.asking import (
    Turn,
    asks_for_example,
    asks_for_list,
    asks_how_to,
    comparison,
    plainly,
    search_query,
    topic_question,
)

COMPARISONS = [
    ("L1 vs L2 regularization", ("L1 regularization", "L2 regularization")),
    ("When to use a Label Encoding vs. One Hot Encoding?", ("Label Encoding", "One Hot Encoding")),
    ("Epoch vs. Batch vs. Iteration.", ("Epoch", "Batch", "Iteration")),
    (
        "Can you explain the differences between supervised, unsupervised, and reinforcement learning?",
        ("supervised learning", "unsupervised learning", "reinforcement learning"),
    ),
    (
        "What’s the difference between a generative and discriminative model?",
        ("generative model", "discriminative model"),
    ),
    ("What is the difference between t-SNE and PCA for dimensionality reduction?", ("t-SNE", "PCA")),
    (
        "What is the difference between Bayesian vs frequentist statistics?",
        ("Bayesian statistics", "frequentist statistics"),
    ),
    ("Why do we use convolutions for images rather than just FC layers?", ("convolutions", "FC layers")),
    ("How does a random forest differ from a decision tree?", ("random forest", "decision tree")),
    # A proper name closing the last side is not a head word the others share.
    ("How is Spark different from Hadoop MapReduce?", ("Spark", "Hadoop MapReduce")),
    ("How do I choose between SQL and NoSQL?", ("SQL", "NoSQL")),
    ("Should I use Flask or FastAPI?", ("Flask", "FastAPI")),
    ("Do I use the mean or the median for skewed data?", ("mean", "median")),
    # An acronym is a whole name: not "AI learning" and "ML learning".
    ("What is the difference between AI, ML and deep learning?", ("AI", "ML", "deep learning")),
    # Which is better: Adam was explained alone, SGD never named.
    ("is Adam better than SGD?", ("Adam", "SGD")),
    ("Is PyTorch easier than TensorFlow for beginners?", ("PyTorch", "TensorFlow")),
    ("which is better, PyTorch or TensorFlow?", ("PyTorch", "TensorFlow")),
    # A name with capitals inside is whole: not "XGBoost forests".
    ("is XGBoost more accurate than random forests?", ("XGBoost", "random forests")),
]


@pytest.mark.parametrize(("question", "sides"), COMPARISONS)
def test_comparisons_name_their_sides_as_learners_ask_them(question: str, sides: tuple[str, ...]) -> None:
    assert comparison(question) == sides


@pytest.mark.parametrize(
    "question",
    [
        "What is gradient descent?",
        "Explain precision and recall",
        "What are the pros and cons of Docker?",
        "Should I use dropout?",
    ],
)
def test_questions_that_do_not_compare_have_no_sides(question: str) -> None:
    assert comparison(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "Which algorithms are used for clustering?",
        "Which metrics are used for classification?",
        "What are the types of cloud models?",
        "What kinds of ML algorithms should an AI engineer know?",
        "Name different approaches for text summarization.",
        "List a few types of linguistic ambiguities.",
        "Which loss functions are used for classification?",
        "List different activation neurons or functions.",  # three words before the kind
    ],
)
def test_list_questions_are_seen(question: str) -> None:
    assert asks_for_list(question)


@pytest.mark.parametrize(
    "question",
    ["What are probabilistic graphical models?", "What are graphical models?", "What is k-means clustering?"],
)
def test_questions_on_one_thing_are_not_list_questions(question: str) -> None:
    assert not asks_for_list(question)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("explain overfitting simply", "explain overfitting"),
        ("ELI5 gradient descent", "gradient descent"),
        ("explain attention in transformers like I'm 12", "explain attention in transformers"),
        ("what is a CNN, in plain English?", "what is a CNN?"),
        ("can you explain PCA in simple terms with an example", "can you explain PCA with an example"),
        ("explain SVMs to a beginner please", "explain SVMs"),
        ("Quick question: what is docker?", "what is docker?"),
        ("explain gradient boosting step by step", "explain gradient boosting"),
        ("explain attention in detail", "explain attention"),
        # A manner of speaking only where it is one.
        ("what is the slope in simple linear regression", "what is the slope in simple linear regression"),
        ("what happens for 10 epochs", "what happens for 10 epochs"),
        ("what is the error in one step", "what is the error in one step"),
        ("explain simply", "explain"),
        ("simply", "simply"),  # nothing else left: the question itself
    ],
)
def test_how_a_learner_wants_it_said_is_not_what_is_asked(question: str, asked: str) -> None:
    assert plainly(question) == asked


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("give me an example of overfitting", True),
        ("real world example of reinforcement learning", True),
        ("explain PCA with an example", True),
        ("Which loss, for example MSE, is convex?", False),  # gives one, does not ask for one
        ("What is an example-based method?", False),
    ],
)
def test_a_question_asking_for_an_example_is_seen(question: str, asks: bool) -> None:
    assert asks_for_example(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("how do I pick k in k-means?", True),  # the k-means example plots inertia for the elbow
        ("How to tune hyperparameters?", True),
        ("how do I calculate precision?", True),
        ("how does k-means work?", False),  # how it works: its account, not a demonstration
        ("how do I avoid overfitting?", False),  # what acts against it (app/answer/remedies.py)
    ],
)
def test_a_question_on_how_to_do_something_with_a_topic_is_seen(question: str, asks: bool) -> None:
    assert asks_how_to(question) is asks


def test_a_follow_up_stands_for_the_last_question_that_named_its_own_topic() -> None:
    """ "how is it different from boosting?" after "what are its disadvantages?" is on random
    forests (it was read with "its disadvantages" alone, and answered from Docker)."""
    history = [Turn("what is a random forest?", "…"), Turn("what are its disadvantages?", "…")]
    assert topic_question(history) == "what is a random forest?"
    assert search_query("how is it different from boosting?", history).startswith("what is a random forest?")
    history.append(Turn("and gradient boosting?", "…"))  # a subject of its own
    assert topic_question(history) == "and gradient boosting?"
    assert topic_question([Turn("give me an example", "…")]) == "give me an example"  # nothing better
