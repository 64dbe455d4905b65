"""app/answer/bullets.py: a question that names a roadmap bullet is answered from its entries first.

Plain logic on hand-made hits and a simple word splitter; tests/test_coverage.py
covers what naming a bullet does to the coverage decision.
"""

from __future__ import annotations

import re

import pytest

from app.answer.bullets import Bullets
from app.answer.retrieve import Retrieval
from ingest.entries import Entry

SCALING = ("ML", "Feature Engineering", "Techniques")
VECTORS = ("Math", "Linear Algebra", "Applications", "Feature vectors and feature spaces")


def terms(text: str) -> list[str]:
    """Lower-case words without a plural s and a few stopwords (the tutor's stem with BM25's)."""
    words = re.findall(r"[a-z]+", text.lower())
    return [w.removesuffix("s") for w in words if w not in {"what", "is", "a", "the", "for", "and", "of"}]


@pytest.fixture
def bullets() -> Bullets:
    return Bullets(
        [
            Entry((*SCALING, "Standardization"), "Feature scaling (standardization, normalization)."),
            Entry((*SCALING, "Min-max normalization"), "Feature scaling (standardization, normalization)."),
            Entry(VECTORS, "Representing data as vectors (word embeddings, feature spaces)."),
            Entry(("ML", "Optimizers", "Adam"), "Optimization."),  # one word names no bullet
        ],
        terms,
    )


@pytest.fixture
def found(make_hit) -> Retrieval:
    hits = [
        make_hit(VECTORS, "A feature vector is a list of numbers."),
        make_hit(("ML", "Models", "Support vector machines"), "An SVM finds the widest margin."),
        make_hit((*SCALING, "Standardization"), "Standardization rescales to mean 0."),
        make_hit((*SCALING, "Min-max normalization"), "Min-max normalization rescales to 0..1."),
    ]
    return Retrieval([hits[0]], hits)


def names(found: Retrieval) -> list[str]:
    return [hit.chunk.path[-1] for hit in found.entries]


def test_the_named_bullets_entries_come_first_in_retrieval_order(bullets, found) -> None:
    first = bullets.first("What is feature scaling?", found)
    assert names(first) == [
        "Standardization",
        "Min-max normalization",
        "Feature vectors and feature spaces",
        "Support vector machines",
    ]
    assert first.hits == found.hits
    assert bullets.names_found("Is feature scaling needed for SVMs?", found)


@pytest.mark.parametrize(
    "question",
    [
        "What is a feature?",  # one word of the bullet is not its name
        "How do I scale features?",  # the words, not as the bullet writes them
        "What is optimization?",  # a one-word bullet names nothing
        "Do support vector machines need feature scaling?",  # names another entry outright
        "What are support vectors in feature scaling?",  # the bullet says where it is asked, not what
    ],
)
def test_otherwise_retrieval_order_stays(bullets, found, question: str) -> None:
    assert bullets.first(question, found) is found


def test_a_bullet_whose_entries_were_not_found_changes_nothing(bullets, make_hit) -> None:
    only = Retrieval([], [make_hit(VECTORS, "A feature vector is a list of numbers.")])
    assert bullets.first("What is feature scaling?", only) is only
    assert not bullets.names_found("What is feature scaling?", only)


ANN = ("ML", "Deep Learning", "Artificial Neural Networks (ANNs)")
STATS = ("Math", "Statistics", "Libraries")


@pytest.fixture
def listing() -> Bullets:
    return Bullets(
        [
            Entry((*ANN, "Activation functions"), "Perceptrons, activation functions (ReLU, sigmoid, tanh)."),
            Entry((*ANN, "Perceptron"), "Perceptrons, activation functions (ReLU, sigmoid, tanh)."),
            Entry(("Math", "Linear Algebra", "Special matrices"), "Special matrices (identity, orthogonal)."),
            Entry(("ML", "Features", "Feature extraction"), "Feature extraction (e.g., PCA, TF-IDF)."),
            Entry((*STATS, "Pingouin"), "Statistics libraries."),
        ],
        terms,
    )


def test_a_listed_item_names_its_bullet(listing, make_hit) -> None:
    # "what is tanh?" opened on the Pingouin library and was told the roadmap does not cover tanh.
    found = Retrieval(
        [],
        [
            make_hit((*STATS, "Pingouin"), "Pingouin is a statistics library."),
            make_hit((*ANN, "Activation functions"), "An activation function is the non-linear function."),
        ],
    )
    assert names(listing.first("What is tanh?", found)) == ["Activation functions", "Pingouin"]
    assert listing.names_found("what is tanh", found)
    assert len(listing.named("What is an orthogonal matrix?")) == 1  # the item with the bullet's noun
    assert listing.named("What is a matrix?") == []  # a word of the bullet, not an item it lists
    assert listing.named("Why is tanh zero-centred?") == []  # a question about it, not what it is


def test_a_bullet_title_with_alternatives_names_each() -> None:
    # "what is C++?" was told the roadmap does not cover C++: its entries' roadmap line lists
    # what the bullet covers, and the languages are in the bullet's title.
    languages = ("Programming", "Core Languages", "C++/Java (optional but useful for high-performance code)")
    found = Bullets([Entry((*languages, "Memory management"), "Memory management, multithreading.")], terms)
    assert found.named("What is C++?") == [(*languages, "Memory management")]
    assert found.named("what is Java?") == [(*languages, "Memory management")]
    assert found.named("What is optional?") == []


def test_an_entry_called_by_the_item_keeps_its_place(make_hit) -> None:
    # "how does Spark work?" opened on Spark job tuning, whose bullet lists "SQL and Spark".
    tuning = ("Data", "Monitoring", "Query performance tuning (SQL and Spark)", "Spark job tuning")
    listing = Bullets([Entry(tuning, "Query performance tuning (SQL and Spark).")], terms)
    spark = make_hit(("Data", "Big data", "Apache Spark", "Apache Spark"), "Apache Spark is an engine.")
    found = Retrieval([], [spark, make_hit(tuning, "Spark job tuning is making jobs faster.")])
    assert listing.named("how does Spark work?") == [tuning]
    assert listing.first("how does Spark work?", found) is found


def test_an_entry_that_defines_the_item_keeps_its_place(listing, make_hit) -> None:
    found = Retrieval(
        [],
        [
            make_hit(("ML", "Reduction", "PCA"), "Principal component analysis (PCA) is a method."),
            make_hit(("ML", "Features", "Feature extraction"), "Feature extraction is deriving features."),
        ],
    )
    assert listing.first("What is PCA?", found) is found
    assert listing.names_found("What is PCA?", found)  # the roadmap lists it all the same


def test_named_entries_the_search_missed_are_read_when_nothing_found_is_close(make_hit) -> None:
    ddpm = ("ML", "Generative Models", "Diffusion Models", "Denoising diffusion models")
    read: list[list[tuple[str, ...]]] = []

    def fetch(paths, vector):
        read.append(paths)
        return [make_hit(paths[0], "A DDPM is a generative model.")]

    bullets = Bullets([Entry(ddpm, "Denoising Diffusion Probabilistic Models (DDPMs).")], terms, fetch)
    weak = Retrieval([], [make_hit(("Cloud", "Compliance", "PCI DSS"), "PCI DSS is a card standard.", 0.2)])
    assert names(bullets.first("What are DDPMs?", weak)) == ["Denoising diffusion models", "PCI DSS"]
    assert read == [[ddpm]]
    diffusion = make_hit(("ML", "Generative Models", "Diffusion"), "Diffusion models denoise.", 0.6)
    close = Retrieval([], [diffusion])
    assert bullets.first("What are DDPMs?", close) is close  # the search found something close: kept
