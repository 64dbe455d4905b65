"""app/answer/coverage.py: covered, related or none, decided by code before any model is asked.

The decision logic runs on stand-ins for the retriever and the embedder, so each
branch is reached on purpose; tests/test_answers.py runs it on a real index.
"""

from __future__ import annotations

import re

import pytest

from app.answer import coverage
from app.answer.retrieve import Hit, Retrieval
from app.answer.vectors import SentenceVectors


class Embeddings:
    """Maps texts to fixed unit vectors: the question to x, one entry name to a chosen angle."""

    def __init__(self, similarity: float) -> None:
        self.similarity = similarity

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        other = (1 - self.similarity**2) ** 0.5
        return [[1.0, 0.0] if n == 0 else [self.similarity, other] for n, _ in enumerate(texts)]


class Retriever:
    def __init__(self, covers: bool, similarity: float) -> None:
        self._covers = covers
        self.embeddings = Embeddings(similarity)

    def covers(self, query: str, hits, entries=()) -> bool:
        return self._covers

    def described(self, hit: Hit) -> bool:
        return hit.chunk.path[0] == "ML"  # entries describe the roadmap's "ML" area only

    def terms(self, text: str) -> list[str]:
        """Lower-case words of two letters or more, without a plural s and a few stopwords (the real
        one stems with BM25's)."""
        words = re.findall(r"[a-z0-9]{2,}", text.lower())
        return [w.removesuffix("s") for w in words if w not in {"which", "what", "is", "are", "for", "at"}]


@pytest.fixture
def found(make_hit) -> Retrieval:
    section = make_hit(("ML", "Metrics"), "- Precision, recall.")
    entry = make_hit(("ML", "Metrics", "Precision", "Precision and recall"), "Precision is TP / (TP + FP).")
    return Retrieval([section], [Hit(entry.chunk, 0.6)])


def test_nothing_close_is_none(found: Retrieval) -> None:
    assert coverage.decide(Retriever(covers=False, similarity=0.9), "q", found) == "none"


@pytest.mark.parametrize(("similarity", "expected"), [(0.9, "covered"), (0.47, "covered"), (0.45, "related")])
def test_the_topic_must_be_one_the_roadmap_names(found: Retrieval, similarity: float, expected: str) -> None:
    assert coverage.decide(Retriever(covers=True, similarity=similarity), "q", found) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which metrics for classification?", "covered"),  # ML › Classification › Metrics
        ("Name different metrics for classification", "covered"),  # framing words do not count
        ("What is mean average precision at k?", "related"),  # not all of its words in one path
        ("Which metrics?", "related"),  # one word names no topic
    ],
)
def test_a_question_whose_words_name_a_section_is_covered(make_hit, question: str, expected: str) -> None:
    section = make_hit(("ML", "Classification", "Metrics"), "- Precision, recall.")
    entry = make_hit(("ML", "Classification", "Metrics", "Precision-Recall curve"), "A PR curve plots ...")
    found = Retrieval([section], [Hit(entry.chunk, 0.6)])
    assert coverage.decide(Retriever(covers=True, similarity=0.0), question, found) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("It's common to assume a normal distribution. Why is that?", "covered"),  # names an entry
        ("F1 score. Can we use it for more than two classes?", "covered"),  # one part of a name
        ("What is a distribution?", "related"),  # one word of a name is not the name
        ("Why is the distribution of errors normal?", "related"),  # both words, not as the name
    ],
)
def test_a_question_that_names_an_entry_is_covered(make_hit, question: str, expected: str) -> None:
    section = make_hit(("ML", "Statistics"), "- Distributions.")
    normal = make_hit(("ML", "Statistics", "Distributions", "Normal distribution"), "A bell curve.")
    scores = make_hit(("ML", "Statistics", "Metrics", "Precision, recall and F1 score"), "F1 is ...")
    found = Retrieval([section], [Hit(normal.chunk, 0.6), Hit(scores.chunk, 0.5)])
    assert coverage.decide(Retriever(covers=True, similarity=0.0), question, found) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is a vector database?", "related"),  # near Relational databases and Feature vectors
        ("What does a vector database do?", "related"),
        ("What is a relational database?", "covered"),  # one entry holds both words
        ("What are the components of a relational database?", "covered"),  # "components of" frames
        ("What is the difference between a vector and a database?", "covered"),  # two things
        ("What is a database?", "covered"),  # one word: left to the name match
    ],
)
def test_a_named_thing_no_close_entry_mentions_is_related(make_hit, question: str, expected: str) -> None:
    section = make_hit(("ML", "Storage"), "- Databases.")
    tables = make_hit(
        ("ML", "Storage", "Databases", "Relational databases"), "Tables of rows, queried with SQL."
    )
    vectors = make_hit(("ML", "Algebra", "Vectors", "Feature vectors"), "A list of numbers per example.")
    found = Retrieval([section], [Hit(tables.chunk, 0.6), Hit(vectors.chunk, 0.5)])
    assert coverage.decide(Retriever(covers=True, similarity=0.9), question, found) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is A/B testing?", "related"),  # "A/B", which has no words to search, is in no entry
        ("What is test-driven development?", "covered"),
        ("What is testing?", "covered"),  # one word: left to the name match
    ],
)
def test_a_name_without_search_words_still_names_the_thing(make_hit, question: str, expected: str) -> None:
    section = make_hit(("ML", "Testing"), "- Unit tests.")
    tdd = make_hit(("ML", "Testing", "Test-driven development"), "Write a failing test first.")
    found = Retrieval([section], [Hit(tdd.chunk, 0.6)])
    assert coverage.decide(Retriever(covers=True, similarity=0.9), question, found) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Given a classifier with 90 true positives, find its precision.", "covered"),
        ("A test flags 10 of 100 cases.\nWhat's the probability that the next flag is right?", "covered"),
        ("Calculate the model's precision, recall and F1.", "covered"),
        ("What is recall at k?", "related"),  # a topic to explain, not a problem
    ],
)
def test_a_problem_to_solve_near_the_roadmap_is_covered(make_hit, question: str, expected: str) -> None:
    """An exercise on a topic the roadmap teaches is the roadmap's, whatever its entries are
    called ("… what is the probability that it is defective?" was "related")."""
    entry = make_hit(("ML", "Metrics", "Precision", "Average precision"), "Average precision sums it.")
    found = Retrieval([make_hit(("ML", "Ranking"), "- Ranking.")], [Hit(entry.chunk, 0.6)])
    assert coverage.decide(Retriever(covers=True, similarity=0.2), question, found) == expected
    # Far from the roadmap, a problem is still nothing it covers ("Reverse a bitstring").
    assert coverage.decide(Retriever(covers=False, similarity=0.2), question, found) == "none"


def test_a_question_naming_a_found_entrys_roadmap_bullet_is_covered(found: Retrieval) -> None:
    """ "Is feature scaling necessary for kernel methods?" names the bullet of Standardization."""
    far = Retriever(covers=True, similarity=0.1)
    assert coverage.decide(far, "q", found) == "related"
    assert coverage.decide(far, "q", found, names_bullet=True) == "covered"
    # "what is mean?" names the bullet's item and found its entry, which scored under the bar
    nothing_close = Retriever(covers=False, similarity=0.1)
    assert coverage.decide(nothing_close, "q", found, names_bullet=True) == "covered"


def test_without_topic_entries_close_means_covered(found: Retrieval) -> None:
    bare = Retrieval(found.hits, [])
    assert coverage.decide(Retriever(covers=True, similarity=0.0), "q", bare) == "covered"


def test_a_document_without_entries_close_means_covered(found: Retrieval, make_hit) -> None:
    """The user's own ingested notes have no entries to compare names with: close is covered."""
    notes = make_hit(("My notes", "Rendering untrusted text"), "- Escape it.")
    own = Retrieval([notes, *found.hits], found.entries)
    assert coverage.decide(Retriever(covers=True, similarity=0.0), "q", own) == "covered"
    assert coverage.decide(Retriever(covers=True, similarity=0.0), "q", found) == "related"


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("What is mean average precision at k?", "mean average precision at k"),
        ("How does collaborative filtering work?", "collaborative filtering"),
        ("Why would a ranking model need calibration when offline metrics look fine?", ""),  # no subject
        ("Explain the Turing test", "Turing test"),
        ("Can you describe RANSAC?", "RANSAC"),
        # Not where or what for it is asked: "the roadmap does not cover eigenvalues used for in ML".
        ("what are eigenvalues used for in ML?", "eigenvalues"),
        ("What is attention in NLP?", "attention"),
        ("what is a loss function for classification?", "loss function"),
        ("What is batch normalization and why is it used in deep learning?", "batch normalization"),
        ("What is the man-in-the-middle attack?", "man-in-the-middle attack"),
        # As learners write: "what's", "what does … do", "good at", a trailing "for".
        ("What's TFDV?", "TFDV"),
        ("what’s a p-value", "p-value"),
        ("What does a vector database do?", "vector database"),
        ("what are LLMs good at?", "LLMs"),
        ("what is docker for?", "docker"),
        ("What is a for loop?", "for loop"),
        # What is asked of it is not its name: "the point of a validation set".
        ("what's the point of a validation set?", "validation set"),
        ("what is the intuition behind attention?", "attention"),
        ("what is a point estimate?", "point estimate"),
        # A follow-up on a new subject names it; one on the last subject does not.
        ("what about kubernetes?", "kubernetes"),
        ("And how about L2 regularization?", "L2 regularization"),
        ("and what about it?", ""),
        ("and what is momentum?", "momentum"),
        # Only a name after "and": what about it ("and kubernetes?" was read with "why would I use it?").
        ("and kubernetes?", "kubernetes"),
        ("and the GRU?", "GRU"),
        ("and why?", ""),
        ("and which tools does it need?", ""),
    ],
)
def test_the_subject_named_in_a_not_covered_answer(question: str, subject: str) -> None:
    assert coverage.subject(question) == subject


class ByText:
    """Maps a text to a unit vector at the cosine `cosines` gives it from x; any other text is a
    question (x itself) when it ends with "?", else an entry's name (at `name`)."""

    def __init__(self, name: float, cosines: dict[str, float]) -> None:
        self.name, self.cosines = name, cosines

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        def at(text: str) -> list[float]:
            cosine = self.cosines.get(text, 1.0 if text.endswith("?") else self.name)
            return [cosine, (1 - cosine**2) ** 0.5]

        return [at(text) for text in texts]


RECOMMENDERS = "recommender systems: collaborative filtering, the cold start problem"
BLEU = "metrics for generated text such as BLEU"


@pytest.mark.parametrize(
    ("question", "name", "beside", "expected"),
    [
        ("What is a cold start?", 0.6, 0.7, "related"),  # closer to the subject beside
        ("What is a cold start?", 0.6, 0.55, "covered"),  # closer to an entry's name
        ("Which metrics for classification?", 0.4, 0.55, "related"),  # even when it names a section
        ("Which metrics for classification?", 0.4, 0.45, "covered"),  # beside it, but not close
    ],
)
def test_a_question_on_a_subject_beside_the_roadmap_is_related(
    make_hit, question: str, name: float, beside: float, expected: str
) -> None:
    """BLEU and collaborative filtering sound like machine learning and land near the roadmap; the
    curriculum lists such subjects (`adjacent`), and one closer to the question than any entry
    claims it."""
    section = make_hit(("ML", "Classification", "Metrics"), "- Precision, recall.")
    entry = make_hit(("ML", "Classification", "Metrics", "Cold starts"), "A cold start is a delay.")
    found = Retrieval([section], [Hit(entry.chunk, 0.6)])
    retriever = Retriever(covers=True, similarity=0.0)
    retriever.embeddings = ByText(name, {RECOMMENDERS: beside, BLEU: beside - 0.2})
    assert coverage.decide(retriever, question, found, adjacent=(RECOMMENDERS, BLEU)) == expected
    assert coverage.decide(retriever, question, found) == "covered"  # without the list


def test_a_related_answer_names_the_subject_beside_the_roadmap_when_the_question_names_none() -> None:
    vectors = SentenceVectors(ByText(0.0, {RECOMMENDERS: 0.3, BLEU: 0.6}))
    question = "Why would a ranking model need calibration?"  # no subject of its own
    assert coverage.missing_subject(question, (RECOMMENDERS, BLEU), vectors) == BLEU
    assert coverage.missing_subject(question, (RECOMMENDERS,), vectors) == ""  # not close: no subject
    assert coverage.missing_subject("How does collaborative filtering work?", (BLEU,), vectors) == (
        "collaborative filtering"
    )
    assert coverage.beside(question, (RECOMMENDERS, BLEU), vectors)[0] == BLEU
    assert coverage.beside(question, (RECOMMENDERS,), vectors) == (RECOMMENDERS, pytest.approx(0.3))
    vectors = SentenceVectors(ByText(0.0, {RECOMMENDERS: 0.6}))  # named by the words before its colon
    assert coverage.missing_subject(question, (RECOMMENDERS,), vectors) == "recommender systems"
