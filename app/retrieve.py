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
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.chunk import embed_text
from ingest.store import Store, StoredChunk

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each ranking
SECTION_VOTES = 2  # a section's score: the sum of its best chunks' fused scores, this many
WHOLE_SECTION_TOKENS = 100  # sections up to this size are returned whole
RARE_DF = 5  # a term in at most this many chunks names something specific
LEXICAL_FLOOR = 0.10  # below this cosine, word overlap alone is coincidence


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


class Retriever:
    """Ranks stored chunks for a question. Build once; `search` is cheap."""

    def __init__(
        self,
        store: Store,
        embeddings: Embeddings,
        *,
        lexical_weight: float = 0.75,
        min_relevance: float = 0.25,
        min_lexical: float = 0.5,
    ) -> None:
        import bm25s
        import Stemmer

        self.store = store
        self.embeddings = embeddings
        self.lexical_weight = lexical_weight
        self.min_relevance = min_relevance
        self.min_lexical = min_lexical
        self.chunks = store.all_chunks()
        self.by_id = {c.id: c for c in self.chunks}
        self._sections: dict[tuple[str, ...], StoredChunk] = {}
        self._cards: dict[tuple[str, ...], list[StoredChunk]] = {}
        for c in self.chunks:
            if c.kind == "section":
                self._sections.setdefault(c.path, c)  # a split section: its first piece
            elif c.kind == "card":
                self._cards.setdefault(c.path, []).append(c)  # explanation, then the rest
        self._stemmer = Stemmer.Stemmer("english")
        corpus = [embed_text(c.path, c.text) for c in self.chunks]
        self._bm25 = bm25s.BM25()
        self._bm25.index(self._tokenize(corpus), show_progress=False)
        # Document frequency of each stemmed term, for `lexical_coverage`: over the roadmap's
        # own chunks only, whose words name topics; the cards' prose would make everyday
        # words ("good", "world") look like roadmap terms.
        outline = [text for text, c in zip(corpus, self.chunks) if c.kind != "card"]
        self._outline_size = len(outline)
        self._df = Counter(t for doc in self._tokenize(outline, ids=False) for t in set(doc))
        self._idf = {t: math.log(1 + len(outline) / df) for t, df in self._df.items()}

    def covers(self, query: str, hits: Sequence[Hit]) -> bool:
        """Whether the corpus answers `query`: a close embedding match, or most of its words
        found in the corpus with at least a weak embedding match (names like "Horovod" that the
        embedder does not know)."""
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
        return any(0 < self._df.get(t, 0) <= RARE_DF for t in self._content_terms(query))

    def _content_terms(self, query: str) -> list[str]:
        # The longer stopword list: "what", "how", "all" say nothing about coverage.
        import bm25s
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        return bm25s.tokenize(
            [query], stopwords=STOPWORDS_EN_PLUS, stemmer=self._stemmer, show_progress=False, return_ids=False
        )[0]

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best chunks for `query`, one per section, best first."""
        # Every chunk is a dense candidate (a few hundred: exact and cheap), so a chunk that
        # only BM25 ranks high still has a similarity for `covers` and the fusion.
        dense = self.store.nearest(self.embeddings.embed_query(query), len(self.chunks))
        similarity = dict(dense)
        fused: dict[str, float] = {}
        for rank, (cid, _) in enumerate(dense):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, cid in enumerate(self._lexical(query, len(dense))):
            fused[cid] = fused.get(cid, 0.0) + self.lexical_weight / (RRF_K + rank + 1)
        best: dict[tuple[str, ...], list[tuple[float, str]]] = {}
        for cid, score in fused.items():
            chunk = self.by_id.get(cid)
            if chunk is not None and cid in similarity:
                best.setdefault(chunk.path, []).append((score, cid))
        sections = []
        for path, scored in best.items():
            scored.sort(key=lambda pair: (-pair[0], pair[1]))
            votes = [score for score, _ in scored[:SECTION_VOTES]]
            # A section with fewer chunks (a short section of an extra document, with no
            # card) repeats its best one, so it is not outranked for lack of a second chunk.
            votes += [votes[0]] * (SECTION_VOTES - len(votes))
            sections.append((sum(votes), scored[0][1], path))
        sections.sort(key=lambda s: (-s[0], s[1]))
        hits: list[Hit] = []
        for _, cid, path in sections[:k]:
            chunk = self.by_id[cid]
            card = self._cards.get(path, [])
            if chunk.kind == "card":
                chunk = self._sections.get(path, chunk)
            # The card's explanation only: its self-check Q&A would tempt the model to copy it.
            note = card[0].text if card and card[0].id != chunk.id else ""
            hits.append(Hit(self._whole_section(chunk), similarity[cid], note))
        return hits

    def _whole_section(self, chunk: StoredChunk) -> StoredChunk:
        """A short section reads better whole than as the one bullet group that matched."""
        if chunk.kind != "group":
            return chunk
        whole = self._sections.get(chunk.path)
        if whole is None or whole.tiktoken_tokens > WHOLE_SECTION_TOKENS:
            return chunk
        return whole

    def lexical_coverage(self, query: str) -> float:
        """Share of the query's information (IDF-weighted terms) that the corpus contains.

        A word absent from the corpus weighs as much as the rarest word in it, so
        "best time to visit Kyoto" scores low even though "time" is indexed, while
        "bias-variance tradeoff" scores high although the embedder barely ranks it.
        """
        terms = self._content_terms(query)
        if not terms:
            return 0.0
        idf = self._idf
        unknown = math.log(1 + self._outline_size)
        weights = [idf.get(t, unknown) for t in terms]
        found = sum(w for t, w in zip(terms, weights) if t in idf)
        return found / sum(weights)

    def _tokenize(self, texts: list[str], ids: bool = True):
        import bm25s

        return bm25s.tokenize(
            texts, stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=ids
        )

    def _lexical(self, query: str, n: int) -> Sequence[str]:
        tokens = self._tokenize([query])
        if not tokens.vocab:  # only stopwords or punctuation: nothing to match
            return []
        docs, scores = self._bm25.retrieve(tokens, k=min(n, len(self.chunks)), show_progress=False)
        return [self.chunks[int(i)].id for i, s in zip(docs[0], scores[0]) if s > 0]
