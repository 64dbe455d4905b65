"""Hybrid retrieval: dense (MiniLM cosine) and lexical (BM25) ranks fused by RRF.

Learners name tools ("Rabin-Karp", "XComs") that a small embedder barely
knows, and paraphrase concepts ("squash a model to run on a phone") that share
no words with the roadmap: BM25 catches the first, the embedder the second.
Reciprocal-rank fusion needs no score calibration between the two.

Hits are collapsed to one per heading path: a section scores the sum of its two
best chunks' fused scores (CombSUM over its whole-text chunk, bullet-group chunks
and knowledge card), so a section whose roadmap text and card both match beats
one matched by a single stray chunk, and the top k name k different sections.
The card travels with the hit as its `note`.

Topic entries (one per leaf topic, under `<section> > <topic> > <name>`) are
ranked the same way among themselves: they are what answers are composed from
(`Retrieval.entries`), while the sections say where the answer sits.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from app.answer.naming import defines_as, item_words, subject
from app.answer.spelling import Speller
from app.core.stemming import english_stemmer
from ingest.chunk import embed_text
from ingest.entries import sentences
from ingest.store import Store, StoredChunk

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from ingest.index import Index

RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each ranking
SECTION_VOTES = 2  # a section's score: the sum of its best chunks' fused scores, this many
WHOLE_SECTION_TOKENS = 100  # sections up to this size are returned whole
RARE_DF = 5  # a term in at most this many chunks names something specific
LEXICAL_FLOOR = 0.10  # below this cosine, word overlap alone is coincidence
# A topic entry this close covers a question whatever the sections score: entries explain one
# topic each, so "Pooling. What happens when pooling is removed?" meets the pooling entry
# (0.47) while the CNN section, a list of names, scores 0.25. Off-topic dev questions
# (refusal.yaml) reach 0.30 at most ("an easy knitting pattern for a beginner scarf").
ENTRY_RELEVANCE = 0.35
CLOSER = 0.05  # how much closer in meaning an entry must be to open the answer (`closest_first`)


ENTRY_KIND = "entry"


@dataclass(frozen=True)
class Hit:
    """One retrieved roadmap section.

    `chunk` is the roadmap's own text for it (the whole section when short, else
    the bullet group that matched); `note` is the explanation from the knowledge
    card for the section, if there is one. `score` is the cosine similarity to the
    question of whichever of the section's chunks matched best.
    """

    chunk: StoredChunk
    score: float
    note: str = ""


@dataclass(frozen=True)
class Retrieval:
    """What one search found: roadmap sections, and the topic entries that explain the question.

    An entry hit's `chunk` is the entry's first chunk (what it is); its `note` holds
    the rest (why, example, confusion, tools), so an answer can be built from it.
    """

    hits: list[Hit]
    entries: list[Hit]
    vector: list[float] | None = None  # the query's embedding, for reuse


def section_of(chunk: StoredChunk) -> tuple[str, ...]:
    """The roadmap section a chunk belongs to: an entry sits two levels below (topic, name)."""
    return chunk.path[:-2] if chunk.kind == ENTRY_KIND else chunk.path


class Corpus:
    """One index generation's chunks, with the lexical index and term statistics over them.

    Built whole and then swapped in by one assignment, so a search running on
    another thread sees either the old corpus or the new one, never a mix.
    """

    def __init__(self, store: Store, stemmer) -> None:
        import bm25s

        self.store = store
        self.chunks = store.all_chunks()
        self.by_id = {c.id: c for c in self.chunks}
        self.sections: dict[tuple[str, ...], StoredChunk] = {}
        self.cards: dict[tuple[str, ...], list[StoredChunk]] = {}
        self.entries: dict[tuple[str, ...], list[StoredChunk]] = {}
        for c in self.chunks:
            if c.kind == "section":
                self.sections.setdefault(c.path, c)  # a split section: its first piece
            elif c.kind == "card":
                self.cards.setdefault(c.path, []).append(c)  # explanation, then the rest
            elif c.kind == ENTRY_KIND:
                self.entries.setdefault(c.path, []).append(c)  # what it is, then the rest
        # The top-level parts (a roadmap area, an ingested document) that topic entries describe.
        self.described = {path[0] for path in self.entries if path}
        corpus = [embed_text(c.path, c.text) for c in self.chunks]
        self.bm25 = bm25s.BM25()
        self.bm25.index(_tokenize(stemmer, corpus), show_progress=False)
        # Document frequency of each stemmed term, for `lexical_coverage`: over the roadmap's
        # own chunks only, whose words name topics; the cards' prose would make everyday
        # words ("good", "world") look like roadmap terms.
        outline = [text for text, c in zip(corpus, self.chunks) if c.kind not in ("card", ENTRY_KIND)]
        self.outline_size = len(outline)
        self.df = Counter(t for doc in _tokenize(stemmer, outline, ids=False) for t in set(doc))
        self.idf = {t: math.log(1 + len(outline) / df) for t, df in self.df.items()}

    @cached_property
    def speller(self) -> Speller:  # built on first use: 0.3 s for the roadmap's 1,883 chunks
        return Speller(" ".join([*c.path, c.text]) for c in self.chunks)


class Retriever:
    """Ranks stored chunks for a question. Build once; `search` is cheap.

    Before each search it reads the index's pointer (one small read) and, when an
    ingest has switched it to a new generation, loads that one: a running
    `tutor serve` answers from the new index as soon as an ingest finishes.
    """

    def __init__(
        self,
        index: Index,
        embeddings: Embeddings,
        *,
        lexical_weight: float = 0.75,
        min_relevance: float = 0.25,
        min_lexical: float = 0.5,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.lexical_weight = lexical_weight
        self.min_relevance = min_relevance
        self.min_lexical = min_lexical
        self._stemmer = english_stemmer()
        self._reload = threading.Lock()
        self.corpus = Corpus(index.open(), self._stemmer)

    @property
    def store(self) -> Store:
        return self.corpus.store

    @property
    def chunks(self) -> list[StoredChunk]:
        return self.corpus.chunks

    def refresh(self) -> Corpus:
        """The corpus of the active generation, loading it if an ingest switched generations."""
        name = self.index.active_name()
        if name == self.corpus.store.name:
            return self.corpus
        with self._reload:
            if name != self.corpus.store.name:  # another thread may have loaded it meanwhile
                self.corpus = Corpus(self.index.open(name), self._stemmer)
        return self.corpus

    def spelled(self, text: str) -> str:  # "clustring": clustering (`app.answer.spelling`)
        return self.refresh().speller.correct(text)

    def described(self, hit: Hit) -> bool:
        """Whether topic entries describe the part of the corpus `hit` comes from (not, say, a
        document the user ingested on its own)."""
        return bool(hit.chunk.path) and hit.chunk.path[0] in self.corpus.described

    def covers(self, query: str, hits: Sequence[Hit], entries: Sequence[Hit] = ()) -> bool:
        """Whether the corpus answers `query`: a close embedding match (a section, or one of the
        topic `entries` found, at `ENTRY_RELEVANCE`), or most of its words found in the corpus
        with at least a weak embedding match (names like "Horovod" that the embedder does not
        know)."""
        if any(e.score >= ENTRY_RELEVANCE for e in entries):
            return True
        if not hits:
            return False
        best = max(h.score for h in hits)
        if best >= self.min_relevance:
            return True
        return (
            best >= LEXICAL_FLOOR
            and self.lexical_coverage(query) >= self.min_lexical
            and self.has_rare_term(query)
        )

    def has_rare_term(self, query: str) -> bool:
        """Whether the query names something specific to the corpus (a term in few chunks).

        Common corpus words ("time", "data") match everyday questions too: "the best
        time to visit Kyoto" must not count as covered because time series are.
        """
        df = self.corpus.df
        return any(0 < df.get(t, 0) <= RARE_DF for t in self.terms(query))

    def terms(self, query: str) -> list[str]:
        """Stemmed content words, without the long stopword list ("what", "how", "all")."""
        import bm25s
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        return bm25s.tokenize(
            [query], stopwords=STOPWORDS_EN_PLUS, stemmer=self._stemmer, show_progress=False, return_ids=False
        )[0]

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best chunks for `query`, one per section, best first."""
        return self.retrieve(query, k).hits

    def retrieve(self, query: str, k: int, entries: int = 0) -> Retrieval:
        """The k best sections for `query` and, when asked, its `entries` best topic entries."""
        from chromadb.errors import NotFoundError

        vector = self.embeddings.embed_query(query)
        corpus = self.refresh()
        # Every chunk is a dense candidate (a few hundred: exact and cheap), so a chunk that
        # only BM25 ranks high still has a similarity for `covers` and the fusion.
        try:
            dense = corpus.store.nearest(vector, len(corpus.chunks))
        except NotFoundError:
            # An ingest switched generations and deleted this one between the pointer read and
            # the query: read the pointer again.
            corpus = self.refresh()
            dense = corpus.store.nearest(vector, len(corpus.chunks))
        similarity = dict(dense)
        fused: dict[str, float] = {}
        for rank, (cid, _) in enumerate(dense):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, cid in enumerate(self._lexical(corpus, query, len(dense))):
            fused[cid] = fused.get(cid, 0.0) + self.lexical_weight / (RRF_K + rank + 1)
        sections: dict[tuple[str, ...], list[tuple[float, str]]] = {}
        topics: dict[tuple[str, ...], list[tuple[float, str]]] = {}
        for cid, score in fused.items():
            chunk = corpus.by_id.get(cid)
            if chunk is None or cid not in similarity:
                continue
            if chunk.kind == ENTRY_KIND:
                topics.setdefault(chunk.path, []).append((score, cid))
            else:
                sections.setdefault(chunk.path, []).append((score, cid))
        hits: list[Hit] = []
        for cid, path in _best(sections, k):
            chunk = corpus.by_id[cid]
            card = corpus.cards.get(path, [])
            if chunk.kind == "card":
                chunk = corpus.sections.get(path, chunk)
            # The card's explanation only: its self-check Q&A would tempt the model to copy it.
            note = card[0].text if card and card[0].id != chunk.id else ""
            hits.append(Hit(_whole_section(corpus, chunk), similarity[cid], note))
        found: list[Hit] = []
        for _, path in _best(topics, entries):
            first, *rest = corpus.entries[path]
            best = max(similarity[c.id] for c in corpus.entries[path] if c.id in similarity)
            found.append(Hit(first, best, "\n".join(c.text for c in rest)))
        return Retrieval(hits, found, vector)

    def entries_at(self, paths: Sequence[tuple[str, ...]], vector: Sequence[float] | None) -> list[Hit]:
        """The topic entries at `paths` as hits, scored as `retrieve` scores them (their best
        chunk's cosine to the query's `vector`, from the stored vectors; 0 without one): for
        entries the question names that the search did not rank."""
        import numpy as np

        corpus = self.refresh()
        found = [corpus.entries[path] for path in paths if path in corpus.entries]
        if not found:
            return []
        stored = {} if vector is None else corpus.store.vectors([c.id for chunks in found for c in chunks])
        query = np.asarray([] if vector is None else vector, dtype=float)

        def score(chunks: list[StoredChunk]) -> float:
            return max((float(np.dot(stored[c.id], query)) for c in chunks if c.id in stored), default=0.0)

        return [Hit(chunks[0], score(chunks), "\n".join(c.text for c in chunks[1:])) for chunks in found]

    def lexical_coverage(self, query: str) -> float:
        """Share of the query's information (IDF-weighted terms) that the corpus contains.

        A word absent from the corpus weighs as much as the rarest word in it, so
        "best time to visit Kyoto" scores low even though "time" is indexed, while
        "bias-variance tradeoff" scores high although the embedder barely ranks it.
        """
        terms = self.terms(query)
        if not terms:
            return 0.0
        idf = self.corpus.idf
        unknown = math.log(1 + self.corpus.outline_size)
        weights = [idf.get(t, unknown) for t in terms]
        found = sum(w for t, w in zip(terms, weights) if t in idf)
        return found / sum(weights)

    def _lexical(self, corpus: Corpus, query: str, n: int) -> Sequence[str]:
        tokens = _tokenize(self._stemmer, [query])
        if not tokens.vocab:  # only stopwords or punctuation: nothing to match
            return []
        docs, scores = corpus.bm25.retrieve(tokens, k=min(n, len(corpus.chunks)), show_progress=False)
        return [corpus.chunks[int(i)].id for i, s in zip(docs[0], scores[0]) if s > 0]


def closest_first(
    found: Retrieval, terms: Callable[[str], list[str]] | None = None, query: str = ""
) -> Retrieval:
    """`found` with the entry closest in meaning first, when one of the next two is `CLOSER` than
    the first: word matches rank "Transformation matrices" above "Transformer" for "how do
    transformers work?" (0.34 against 0.41), as both stem to "transform". Not when the first
    holds more of the question's word pairs side by side (`terms` of `query`): "what is a
    validation set?" keeps Train, validation and test splits before Data validation, closer in
    meaning by 0.13 but without "validation set"."""
    if len(found.entries) < 2:
        return found
    best = max(found.entries[1:3], key=lambda hit: hit.score)
    if best.score - found.entries[0].score < CLOSER:
        return found
    if terms is not None and query:
        asked = terms(query)
        pairs = set(zip(asked, asked[1:]))  # "validation set": (valid, set)

        def held(hit: Hit) -> int:
            """How many of the question's word pairs the entry holds side by side."""
            words = terms(f"{hit.chunk.text} {hit.note}")
            return len(pairs & set(zip(words, words[1:])))

        if held(found.entries[0]) > held(best):
            return found
    return _opening(found, best)


def defining_first(found: Retrieval, question: str) -> Retrieval:
    """`found` with the entry that defines what a "what is X?" question asks about first, when the
    first does not and one of the next two does: "what is a GAN?" opens on "A generative
    adversarial network (GAN) is …", not on DCGAN, a GAN design that ranks first; else the entry
    named by it ("what is attention in NLP?": Attention mechanism, not Natural language processing)."""
    asked = item_words(subject(question))
    if not asked or len(found.entries) < 2:
        return found

    def defines(hit: Hit) -> bool:
        return any(defines_as(text, asked) for text in sentences(hit.chunk.text)[:2])

    def named(hit: Hit) -> bool:  # "Attention mechanism" for "what is attention in NLP?"
        return f"{item_words(hit.chunk.path[-1])} ".startswith(f"{asked} ")

    if defines(found.entries[0]) or named(found.entries[0]):
        return found
    best = next((hit for hit in found.entries[1:3] if defines(hit)), None)
    best = best or next((hit for hit in found.entries[1:3] if named(hit)), None)
    if best is None:
        return found
    return _opening(found, best)


def _opening(found: Retrieval, best: Hit) -> Retrieval:
    """`found` with the entry `best` moved to the front."""
    return replace(found, entries=[best, *(hit for hit in found.entries if hit is not best)])


def _best(
    groups: dict[tuple[str, ...], list[tuple[float, str]]], k: int
) -> list[tuple[str, tuple[str, ...]]]:
    """The k best groups by CombSUM of their best chunks' fused scores: (best chunk id, path)."""
    ranked = []
    for path, scored in groups.items():
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        votes = [score for score, _ in scored[:SECTION_VOTES]]
        # A group with fewer chunks (a short section of an extra document, with no card)
        # repeats its best one, so it is not outranked for lack of a second chunk.
        votes += [votes[0]] * (SECTION_VOTES - len(votes))
        ranked.append((sum(votes), scored[0][1], path))
    ranked.sort(key=lambda s: (-s[0], s[1]))
    return [(cid, path) for _, cid, path in ranked[:k]]


def _whole_section(corpus: Corpus, chunk: StoredChunk) -> StoredChunk:
    """A short section reads better whole than as the one bullet group that matched."""
    if chunk.kind != "group":
        return chunk
    whole = corpus.sections.get(chunk.path)
    if whole is None or whole.tiktoken_tokens > WHOLE_SECTION_TOKENS:
        return chunk
    return whole


def _tokenize(stemmer, texts: list[str], ids: bool = True):
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False, return_ids=ids)
