"""Does the roadmap cover a question? Three answers: covered, related, none.

"None" is the old refusal: nothing in the roadmap is close, neither a section
nor a topic entry (`Retriever.covers`), and the model is never asked. Between
"covered" and "related" the question is near the roadmap either way: one on
mean average precision lands by precision and recall, one on collaborative
filtering by matrix factorization. What tells them apart is whether the
question is about a topic the roadmap names, so the question is compared with
the *names* of the best topic entries (each a leaf of the roadmap) and their
first sentence, the definition. Below `NAME_MATCH` the
roadmap only relates to the question, and the answer says so before it
explains the closest topic it has.

A question whose topic words (two at least) all name one retrieved section is
covered whatever its entries are called: "which metrics are used for
classification?" is about Classification › Metrics, although no entry is
named like it. So is a question that names one of the best entries, in two
words at least, however long the question around it ("It's a common practice
to assume an unknown variable to be of the normal distribution. Why is that?").
So is a problem to solve near the roadmap ("… what is the probability that it is
defective?", "Find the longest common subsequence …"): the roadmap teaches what
it takes, though no entry is named like the problem; far from it ("Reverse a
bitstring."), a problem is still none. A question about a named thing whose
words no close entry or section holds together is not: "what is a vector
database?" lands by Relational databases and Feature vectors, and neither is
about vector databases.

Some subjects sit right next to the roadmap without being on it: recommender
systems, BLEU, A/B testing. Retrieval finds something close for them and a
question may even name a section's words ("BLEU is a popular metric for machine
translation"), so the curriculum lists them (`adjacent` in
seeds/curriculum.yaml): a question at least as close to one of them as to the
best entry's name (and `ADJACENT` close at least) is related, not covered.

`NAME_MATCH` was chosen on the dev questions of evals/datasets/interview.yaml,
refusal.yaml, answers.yaml and retrieval.yaml: at 0.46, 70% of the questions
labelled covered are answered as covered and 86% of those labelled related or
none are not presented as covered (README: Evaluation).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from app.answer.asking import is_exercise
from app.answer.naming import NAME_PARTS, subject
from ingest.entries import sentences

if TYPE_CHECKING:
    from app.answer.compose import Vectors
    from app.answer.retrieve import Hit, Retrieval, Retriever

Coverage = Literal["covered", "related", "none"]
NAME_MATCH = 0.46
ADJACENT = 0.5  # cosine from which a subject next to the roadmap may claim a question (dev: 0.45-0.5)
CANDIDATES = 5  # best entries whose names are compared with the question
SECTIONS = 3  # best sections whose paths may name the question's topic
_SYMBOL = re.compile(r"\w+(?:/\w+)+|\w+\+\+")  # "A/B", "C++"
_COMPARING = re.compile(r"\b(vs\.?|versus|difference|and|or)\b", re.I)  # a subject of two things
# Words that frame a question rather than name its topic ("which metrics are *used* for ...").
FRAMING = (
    "different common typical main basic various kind type use example list name explain describe"
    " difference work"
)


def decide(
    retriever: Retriever,
    query: str,
    found: Retrieval,
    vectors: Vectors | None = None,
    names_bullet: bool = False,
    adjacent: Sequence[str] = (),
) -> Coverage:
    """The three-way decision for `query`, given what retrieval found for it; `names_bullet`:
    the question names the roadmap bullet of one of the entries found (`app.answer.bullets`);
    `adjacent`: subjects next to the roadmap that it does not teach."""
    if names_bullet:  # the roadmap names it, and retrieval found its entries
        return "covered"
    if not retriever.covers(query, found.hits, found.entries):
        return "none"
    # Without topic entries for where the best match is (no entries at all, or a document
    # the user ingested), names cannot tell "related" apart: close enough is covered.
    if not found.entries or not retriever.described(found.hits[0]):
        return "covered"
    if vectors is None:
        from app.answer.vectors import SentenceVectors

        vectors = SentenceVectors(retriever.embeddings)
    match = name_match(query, found, vectors)
    if beside(query, adjacent, vectors)[1] >= max(ADJACENT, match):
        return "related"
    if is_exercise(query) or names_section(retriever, query, found) or names_entry(retriever, query, found):
        return "covered"
    if unnamed_subject(retriever, query, found):
        return "related"
    return "covered" if match >= NAME_MATCH else "related"


def beside(query: str, adjacent: Sequence[str], vectors: Vectors) -> tuple[str, float]:
    """The subject next to the roadmap closest to the question, and its cosine ("", -1 without any)."""
    if not adjacent:
        return "", -1.0
    rows = vectors([query, *adjacent])
    scores = rows[1:] @ rows[0]
    best = int(scores.argmax())
    return adjacent[best], float(scores[best])


def names_section(retriever: Retriever, query: str, found: Retrieval) -> bool:
    """Whether the question's topic words, two at least, all occur in one retrieved section's path."""
    framing = set(retriever.terms(FRAMING))
    words = {term for term in retriever.terms(query) if term not in framing}
    if len(words) < 2:
        return False
    places = [*found.hits[:SECTIONS], *found.entries[:CANDIDATES]]
    return any(words <= set(retriever.terms(" ".join(hit.chunk.path))) for hit in places)


def names_entry(retriever: Retriever, query: str, found: Retrieval) -> bool:
    """Whether the question names one of the best entries, two words at least, as it is written:
    "why assume the *normal distribution*?" names Normal distribution, "F1 score" names
    "Precision, recall and F1-score" (each name's parts count on their own)."""
    asked = f" {' '.join(retriever.terms(query))} "
    for hit in found.entries[:CANDIDATES]:
        for part in NAME_PARTS.split(hit.chunk.path[-1]):
            terms = retriever.terms(part)
            if len(terms) >= 2 and f" {' '.join(terms)} " in asked:
                return True
    return False


def unnamed_subject(retriever: Retriever, query: str, found: Retrieval) -> bool:
    """Whether the question asks what one thing is ("what is a vector database?"), named in two
    words at least, and no close entry (its whole text) or section path holds all of those words.
    A name the word list drops counts as written ("A/B" of "what is A/B testing?", which was
    answered from test-driven development as covered)."""
    asked = subject(query).rpartition(" of ")[2]  # "the components of GAN": GAN
    if not asked or _COMPARING.search(asked):
        return False
    framing = set(retriever.terms(FRAMING))
    words = {term for term in retriever.terms(asked) if term not in framing}
    # Names the word list drops, as written: "A/B" of "A/B testing" (its letters are stopwords).
    symbols = {token.casefold() for token in _SYMBOL.findall(asked) if not retriever.terms(token)}
    if len(words) + len(symbols) < 2:
        return False
    texts = [" ".join([*hit.chunk.path, hit.chunk.text, hit.note]) for hit in found.entries[:CANDIDATES]]
    texts += [" ".join(hit.chunk.path) for hit in found.hits[:SECTIONS]]
    return not any(
        words <= set(retriever.terms(text)) and all(symbol in text.casefold() for symbol in symbols)
        for text in texts
    )


def name_match(query: str, found: Retrieval, vectors: Vectors) -> float:
    """The best cosine similarity between the question and an entry's "name: definition"."""
    names = [entry_name(hit) for hit in found.entries[:CANDIDATES]]
    rows = vectors([query, *names])
    return float((rows[1:] @ rows[0]).max())


def entry_name(entry: Hit) -> str:
    """What a question is compared with to tell "covered" from "related": "name: definition"."""
    return f"{entry.chunk.path[-1]}: {(sentences(entry.chunk.text) or [''])[0]}"


def missing_subject(query: str, adjacent: Sequence[str], vectors: Vectors) -> str:
    """What a related answer says the roadmap does not cover: the question's subject ("vector
    database"), else the subject next to the roadmap it is close to, else "" (no subject: a
    scenario or a problem, which the answer does not claim the roadmap lacks)."""
    if asked := subject(query):
        return asked
    text, score = beside(query, adjacent, vectors)
    return text.partition(":")[0].strip() if score >= ADJACENT else ""  # "recommender systems"
