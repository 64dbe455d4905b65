"""Answers composed by code from the topic entries: the explanation first, every sentence cited.

The entries (seeds/topics) are written and checked by hand, so the facts of an answer come from
them, never from the model. For each question the candidate sentences of the best-matching entries
(what it is, example, common confusion, why it matters) are scored for relevance to *the question*
by the embedder and picked by maximal marginal relevance, so the answer says several different
things that fit the question instead of one entry's text in order, and never one thing twice in
other words (alike to the embedder, or with few words the answer does not hold already). Another
entry's sentence far less relevant than the best one is off the point, and an entry that shares no
word with the question must be much closer to it to be quoted at all. A "what is X?" question opens
on the entry that says what X is, and leaves out another entry's account of its own topic
("Reinforcement learning is …" for transfer learning) and a homonym from another area ("A residual
is …" for a residual connection).
Comparisons ("bagging vs boosting") take each side from its own entry and prefer the sentences that
name the other side (what tells them apart); tool questions answer with the entries' tools; list
questions ("which algorithms are used for clustering?") open with the entries under the topic they
name, then explain those. The opening entry's own "what it is" sentences are preferred a little: they
explain, where its example and pitfall illustrate; and one of them that does not repeat the entry's
name ("The inverse document frequency part …" of TF-IDF) is also read after that name, so it competes
on what it says rather than on naming the topic. Sentences keep the order an explanation needs: per
entry, what it is, then the example, the confusion and why it matters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.answer.aside import about_other, little_new, loose, narrower
from app.answer.asking import asks_for_example, asks_for_list, asks_for_tools, asks_how_to, comparison
from app.answer.casing import full_stop, lower_first
from app.answer.citations import before_final_punctuation
from app.answer.grounding import content_terms
from app.answer.naming import NAME_PARTS, defines, defining, defining_entry, subject
from app.answer.placing import Neighbours, bare, series, where_line
from app.answer.relevance import in_context
from app.answer.remedies import answers_remedy
from ingest.entries import sentences

if TYPE_CHECKING:
    import numpy as np

    from app.answer.retrieve import Hit, Retrieval

# Texts → their unit-length embedding rows (`vectors.SentenceVectors`).
Vectors = Callable[[Sequence[str]], "np.ndarray"]
MAX_SENTENCES = 5
POOL_ENTRIES = 4  # entries whose sentences are candidates (with the section's card)
WORD_BUDGET = 100  # of the explanation; the closing "where" line comes on top
MMR_LAMBDA = 0.75  # relevance against repetition
OPENING_WHAT = 0.07  # the opening entries' "what it is" sentences gain this in picking (dev: 0.05-0.08)
REDUNDANT = 0.85  # a candidate this similar to a sentence already chosen says the same thing again
FALL_OFF = 0.25  # a candidate this much less relevant than the most relevant one is off the point
MIN_RELEVANCE = 0.3  # a candidate sentence less similar than this to the question is not used
# A sentence from an entry that shares no word with the question ("What is UMAP?" and an entry
# on FastAPI) needs this much similarity: the embedder alone may find "UMAP" close to "API".
UNRELATED_RELEVANCE = 0.45
_ROLE_ORDER = {"what": 0, "example": 1, "confusion": 2, "why": 3}
_LABELS = {
    "Why an AI engineer needs it": "why",
    "Example": "example",
    "Common confusion": "confusion",
    "Typical tools": "tools",
}
CONTRAST = 0.1  # in a comparison, a side's sentence that names another side gains this much
SIDE_MATCH = 0.4  # a side's entry must be named like it ("SGD": "Stochastic gradient descent" 0.44)
MIN_LISTED = 2  # entries under one topic that make a list


@dataclass(frozen=True)
class EntryText:
    """A retrieved topic entry split back into its parts (as `ingest.sync.entry_sections` wrote it)."""

    hit: Hit
    what: tuple[str, ...]
    why: str = ""
    example: str = ""
    confusion: str = ""
    tools: tuple[str, ...] = ()

    @property
    def area(self) -> str:
        return self.hit.chunk.path[0]

    @property
    def name(self) -> str:
        return self.hit.chunk.path[-1]

    @classmethod
    def of(cls, hit: Hit) -> EntryText:
        parts: dict[str, str] = {}
        for line in hit.note.splitlines():
            label, _, value = line.partition(": ")
            if label in _LABELS and value.strip():
                parts[_LABELS[label]] = value.strip()
        tools = tuple(t.strip(" .") for t in parts.pop("tools", "").split(",") if t.strip(" ."))
        what = tuple(sentences(hit.chunk.text))
        return cls(hit, what, tools=tools, **parts)

    def candidates(self) -> list[tuple[str, str]]:
        """(role, sentence) pairs an answer may use, each a full sentence on its own."""
        found = [("what", s) for s in self.what]
        if self.example:
            found.append(("example", "For example, " + lower_first(self.example)))
        if self.confusion:
            found.append(("confusion", "A common confusion: " + self.confusion))
        if self.why:
            found.append(("why", "Why it matters: " + self.why))
        return [(role, full_stop(text)) for role, text in found]


@dataclass(frozen=True)
class Sentence:
    text: str
    source: Hit  # the entry (or section) it is cited to


def _names(side: str, hit: Hit, vectors: Vectors) -> float:
    """How close a comparison's side is to the name of the entry found for it."""
    rows = vectors([side, hit.chunk.path[-1]])
    return float(rows[0] @ rows[1])


def listing(question: str, entries: Sequence[Hit]) -> tuple[Sentence, list[Hit]] | None:
    """The list a list question asks for, and the entries it names.

    "Under Unsupervised Learning › Clustering, the roadmap covers K-Means, Hierarchical
    clustering and DBSCAN": the retrieved entries that share the best entry's roadmap topic,
    when the question names that topic (its own name: "learning" in its area's says nothing);
    None when fewer than two do, or the question asks about something else. A question
    that names the best entry itself ("which activation functions are used in neural
    networks?") is answered from that entry, which lists them, not by its neighbours.
    """
    if not entries:
        return None
    topic = entries[0].chunk.path[:-1]
    if not topic or not set(content_terms(topic[-1])) & set(content_terms(question)):
        return None
    if asks_about(question, entries[0]):
        return None
    group: dict[str, Hit] = {}
    for hit in entries:
        if hit.chunk.path[:-1] == topic:
            group.setdefault(hit.chunk.path[-1], hit)
    if len(group) < MIN_LISTED:
        return None
    names = list(group)
    plain = not any("," in n or " and " in n for n in names)  # "t-SNE and UMAP" is one entry
    joined = series(names, len(names)) if plain else "; ".join(names)
    where = " › ".join(bare(t) for t in topic[-2:])
    head = Sentence(f"Under {where}, the roadmap covers {joined}.", entries[0])
    return head, list(group.values())


def uses_entries(found: Retrieval) -> bool:
    """Whether to answer from the topic entries: unless a section without entries (of a document
    of the user's) matches clearly better."""
    if not found.entries:
        return False
    best_section = found.hits[0]
    return (
        best_section.chunk.source.startswith("seeds/") or found.entries[0].score >= best_section.score - 0.1
    )


def asks_about(question: str, entry: Hit) -> bool:
    """Whether every word of the entry's name is in the question ("which *activation functions*
    are used?" names Activation functions)."""
    return set(content_terms(entry.chunk.path[-1])) <= set(content_terms(question))


def umbrella(entry: Hit) -> bool:
    """Whether an entry is named like a heading it sits under: Regression under Supervised
    Learning › Regression › Algorithms explains the whole topic, not one algorithm."""
    name = entry.chunk.path[-1].casefold()
    return any(bare(title).casefold() == name for title in entry.chunk.path[:-1])


def in_full(entry: EntryText, budget: int = WORD_BUDGET) -> list[Sentence]:
    """The entry's own account of what it is, in order, as far as the budget goes: for a list
    question that names the entry, whose sentences name the members ("ReLU …, sigmoid …")."""
    chosen, words = [], 0
    for text in entry.what:
        words += len(text.split())
        if chosen and words > budget:
            break
        chosen.append(Sentence(full_stop(text), entry.hit))
    return chosen


def explain(
    question: str,
    entries: Sequence[EntryText],
    vectors: Vectors,
    most: int = MAX_SENTENCES,
    openers: int = 1,
    budget: int = WORD_BUDGET,
) -> list[Sentence]:
    """2-5 sentences that answer `question` from the entries, relevant and not repetitive.

    The definitions of the first `openers` entries always open the answer (one for
    a question on a topic, both sides' for a comparison): a learner needs to know
    what something is before its example or its pitfalls.
    """
    if openers == 1:  # the entry that says what is asked opens, though another was found first
        first = defining_entry(question, [e.what for e in entries])
        entries = [entries[first], *entries[:first], *entries[first + 1 :]]
    pool, seen = [], set()
    for entry in entries:
        for role, text in entry.candidates():
            if text not in seen:  # two entries may share a sentence (a concept under two topics)
                seen.add(text)
                pool.append((entry, role, text))
    if not pool:
        return []
    asked = loose(question)
    apart = {}  # entries that share no word with the question
    for e in entries:
        apart[id(e)] = not asked & loose(" ".join([*e.hit.chunk.path, e.hit.chunk.text, e.hit.note]))
    rows = vectors([question, *(text for _, _, text in pool)])
    relevance = rows[1:] @ rows[0]
    if openers > 1:  # a comparison: what tells the sides apart names both
        relevance = relevance + CONTRAST * _contrasts(pool, entries[:openers])
    similar = rows[1:] @ rows[1:].T
    # Another entry's sentence far below the best candidate is off the point the best ones make.
    sides, floor = {id(e) for e in entries[:openers]}, relevance.max() - FALL_OFF
    off_point = [r < floor and id(e) not in sides for (e, _, _), r in zip(pool, relevance)]
    ranked, own = relevance.copy(), [i for i, (e, _, _) in enumerate(pool) if id(e) in sides]
    ranked[own] = in_context(question, [(pool[i][0].name, pool[i][2]) for i in own], relevance[own], vectors)
    bonus = [OPENING_WHAT if id(e) in sides and role == "what" else 0.0 for e, role, _ in pool]
    chosen = []
    for entry in entries[:openers]:
        own = [i for i, (e, role, _) in enumerate(pool) if e is entry and role == "what"]
        if own:  # for one topic, the sentence that defines what is asked ("what is a dead ReLU?")
            chosen.append(own[defining(question, [pool[i][2] for i in own]) if openers == 1 else 0])
    # "give me an example of …", "how do I pick k in k-means?": the opening entry's own, however worded
    if asks_for_example(question) or asks_how_to(question):
        chosen += [i for i, (e, role, _) in enumerate(pool) if role == "example" and id(e) in sides][:1]
    words = sum(len(pool[i][2].split()) for i in chosen)
    # "What is X?": another entry's account of its own topic is about something else, unless the
    # question or the opening names that topic (an autoencoder, for "a variational autoencoder").
    named = asked.union(*(loose(pool[i][2]) for i in chosen)) if subject(question) else None
    terms = [defines(text) for _, _, text in pool]  # what each candidate defines ("" for none)
    words_of = [set(content_terms(text)) for _, _, text in pool]
    defined = {terms[i] for i in chosen} - {""}
    # An entry from another area that says what a shorter name of what is asked is, or of what the
    # opening defines or is named, is about another thing: "A residual is the difference between an
    # observed value and the prediction" for "what is a residual connection?", database
    # normalization for "why should I normalize features?" (opened by Min-max normalization).
    opening = {part.casefold() for e in entries[:openers] for part in NAME_PARTS.split(e.name)}
    asked_name = subject(question).casefold()
    names = defined | ({asked_name, *opening} - {""})
    homonyms = {
        id(e) for e, _, text in pool if e.area != entries[0].area and narrower(text, names, asked_name)
    }
    while len(chosen) < most:
        best, best_score = None, -1.0
        for i, (_, _, text) in enumerate(pool):
            if i in chosen or relevance[i] < MIN_RELEVANCE:
                continue
            if off_point[i] or words + len(text.split()) > budget:
                continue
            if id(pool[i][0]) in homonyms:
                continue
            if terms[i] in defined or pool[i][0].area != entries[0].area and narrower(pool[i][2], defined):
                continue  # the same term defined again, or a homonym from another area
            if pool[i][1] in ("why", "example") and id(pool[i][0]) not in sides:
                continue  # another entry's "Why it matters" and example are about its own topic
            if apart[id(pool[i][0])] and relevance[i] < UNRELATED_RELEVANCE:
                continue
            if (
                named is not None
                and id(pool[i][0]) not in sides
                and about_other(pool[i][0].name, pool[i][2], named)
            ):
                continue
            if little_new(words_of[i], [words_of[j] for j in chosen]):
                continue  # "A random forest is bagging of decision trees plus …" after its definition
            repeat = max((similar[i, j] for j in chosen), default=0.0)
            if repeat >= REDUNDANT:  # two entries, or an entry and its card, saying it alike
                continue
            score = MMR_LAMBDA * (ranked[i] + bonus[i]) - (1 - MMR_LAMBDA) * repeat
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        words += len(pool[best][2].split())
        defined |= {terms[best]} - {""}
    if not chosen:
        chosen = [int(relevance.argmax())]
    order = {id(e): n for n, e in enumerate(entries)}
    opening = chosen[0] if openers == 1 else None
    chosen.sort(key=lambda i: (i != opening, order[id(pool[i][0])], _ROLE_ORDER[pool[i][1]], i))
    return [Sentence(pool[i][2], pool[i][0].hit) for i in chosen]


def _contrasts(pool: list[tuple[EntryText, str, str]], sides: Sequence[EntryText]):
    """1 for a candidate from one side's entry that names another side by a word of its own
    ("fully connected layers ignore spatial structure, so a CNN uses *convolutions*"), else 0."""
    import numpy as np

    names = [loose(side.name) for side in sides]
    own = [words - set().union(*(n for n in names if n is not words)) for words in names]
    found = np.zeros(len(pool))
    for i, (entry, _, text) in enumerate(pool):
        words = loose(text)
        found[i] = any(
            words & other for side, other in zip(sides, own, strict=True) if side is not entry and other
        )
    return found


def tools(entries: Sequence[EntryText]) -> list[Sentence]:
    """The tools the best entries name, as a short list per entry (at most two entries)."""
    sentences = []
    for entry in [e for e in entries if e.tools][:2]:
        sentences.append(Sentence(f"Typical tools for {entry.name}: {', '.join(entry.tools)}.", entry.hit))
    return sentences


def with_marker(sentence: str, n: int) -> str:
    return before_final_punctuation(sentence, f" [{n}]")


@dataclass(frozen=True)
class Composition:
    """A composed answer: its sentences (each cited to its source) and the closing roadmap line."""

    sentences: list[Sentence]
    where: Sentence | None

    def text_and_sources(self) -> tuple[str, list[Hit]]:
        """The answer text with `[n]` markers numbered by first citation, and the cited hits."""
        sources: list[Hit] = []
        parts = []
        for sentence in [*self.sentences, *([self.where] if self.where else [])]:
            if sentence.source not in sources:
                sources.append(sentence.source)
            parts.append(with_marker(sentence.text, sources.index(sentence.source) + 1))
        return " ".join(parts), sources


def compose(
    question: str,
    entries: Sequence[Hit],
    section: Hit,
    vectors: Vectors,
    neighbours: Neighbours,
    side_entries: Callable[[str], Sequence[Hit]],
    topic: Sequence[Hit] = (),
    most: int = MAX_SENTENCES,
) -> Composition:
    """The answer's sentences for a covered question, shaped by what it asks.

    `topic` holds the entries of the previous turn's topic for a follow-up ("which
    tools does it need?"); `side_entries` finds the entries for one side of a comparison.
    """
    texts = [EntryText.of(h) for h in [*topic, *[e for e in entries if e not in topic]][:POOL_ENTRIES]]
    if section.note:  # the section's card: a broader view, after the entries; not its headline sentences
        texts.append(EntryText(section, tuple(s for s in sentences(section.note) if len(s.split()) >= 6)))
    chosen: list[Sentence] = []
    sides = comparison(question)
    if sides:
        found: list[Hit] = []
        for side in sides:  # each side from its own entry, then what tells them apart
            hit = next((h for h in side_entries(side) if h not in found), None)
            if hit is None or _names(side, hit, vectors) < SIDE_MATCH:
                break  # "epoch vs batch": the roadmap has no entry for one side; answer as usual
            found.append(hit)
        if len(found) == len(sides):
            both = [EntryText.of(h) for h in found]
            chosen = explain(question, both, vectors, max(most, len(sides)), openers=len(sides))
    if not chosen and asks_for_tools(question):
        chosen = tools(texts)
    if not chosen and entries and asks_for_list(question):
        # "Classification" stands over the classification algorithms; it is not one of them.
        members = [h for h in entries if not umbrella(h)]
        if asks_about(question, entries[0]) and entries[0] in members:  # "which activation functions …"
            chosen = in_full(EntryText.of(entries[0]))  # the entry lists them
        elif found_list := listing(question, members):
            # The list, then what its items are: from the listed entries only, not the wider pool.
            head, group = found_list
            listed = [EntryText.of(h) for h in group[:POOL_ENTRIES]]
            budget = WORD_BUDGET - len(head.text.split())
            chosen = [head, *explain(question, listed, vectors, most - 1, budget=budget)]
        elif asks_about(question, entries[0]):
            chosen = in_full(EntryText.of(entries[0]))
    if not chosen and entries and answers_remedy(question, entries[0]):  # "how do I avoid overfitting?"
        chosen = in_full(EntryText.of(entries[0]))  # the remedy's own account: what it does, and how
    if not chosen:
        chosen = explain(question, texts, vectors, most)
    cited = chosen[0].source if chosen else section
    place = cited.chunk.path[:-1] if cited is not section else section.chunk.path  # an entry: its topic
    return Composition(chosen, Sentence(where_line(place, neighbours), cited))
