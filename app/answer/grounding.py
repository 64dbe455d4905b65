"""Checks by code on what the model wrote, and the extractive lead that needs no model.

The embedded model has 270M parameters: it copies well and invents freely.
So every sentence it writes is checked against the retrieved excerpts: the
share of its content words (stemmed, stopwords removed) that occur in the
question plus one excerpt is its *support*. Sentences below the threshold are
dropped, and the learner is told how many. The answer always opens with a lead
built from the top excerpt itself, so even with every model sentence dropped
the learner gets the roadmap's own words and where they sit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from app.answer.citations import before_final_punctuation
from app.core.stemming import english_stemmer

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from app.answer.retrieve import Hit

SUPPORT_THRESHOLD = 0.85
MIN_RELEVANCE = 0.35  # a model sentence less similar than this to the question is off the point
COPY_WORDS = 8  # a run this long taken from an excerpt makes a sentence a copy, not an explanation
REDUNDANT = 0.9  # share of a sentence's words the lead already has
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'-]*|\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(\"'])|\n+")
_MARKERS = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
LEAD_GROUPS = 4  # bullet groups of the top excerpt quoted in the lead
MIN_WORDS = 4
_COPIED_LABEL = re.compile(r"^\W*(Q|A|Typical tools|Why an AI engineer needs it|Self-check)\s*:", re.I)
MAX_CAPITALISED = 0.6  # share of capitalised words above which a line is a heading
# Text addressed to a model, as an ingested document might carry it ("ignore previous
# instructions and …"). The tutor says what the roadmap says; it never passes such text on,
# neither in the lead it quotes nor in the model's sentences.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,60}?"
    r"\b(instructions?|rules?|prompts?|guidelines|directions)\b"
    r"|\b(you are now|from now on,? you)\b"
    r"|^[\W\d]*(please\s+)?(reply|respond|say|print|output|repeat|pretend|reveal)\b"
    r"|\b(answer|reply to|respond to)\s+(every|all|any)\b"
    r"|\b(do not|don't|never|stop|without)\s+(cite|citing|citations?|sources|refus\w*)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _stemmer_and_stopwords():
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return english_stemmer(), frozenset(STOPWORDS_EN_PLUS)


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words of `text`."""
    stemmer, stopwords = _stemmer_and_stopwords()
    words = [w.lower().strip("'-") for w in _WORD.findall(_MARKERS.sub(" ", text))]
    return stemmer.stemWords([w for w in words if w and w not in stopwords])


def support(sentence: str, evidence: Iterable[str]) -> float:
    """Share of the sentence's content words found in the evidence (1.0 for no content words)."""
    terms = content_terms(sentence)
    if not terms:
        return 1.0
    known = {t for text in evidence for t in content_terms(text)}
    return sum(t in known for t in terms) / len(terms)


def best_support(sentence: str, excerpts: Sequence[str], question: str) -> float:
    """Support from the question plus the *one* excerpt that supports the sentence best.

    Pooling all excerpts would let a sentence stitch words from unrelated
    sections into a false claim ("backpropagation is a regularization technique").
    """
    return max((support(sentence, [question, excerpt]) for excerpt in excerpts), default=0.0)


def is_instruction(text: str) -> bool:
    """Whether `text` reads as an instruction to a model rather than a statement about the roadmap."""
    return bool(_INSTRUCTION.search(text))


def is_fragment(sentence: str) -> bool:
    """Headings, breadcrumbs and trailing-off lines the small model copies instead of answering."""
    words = _MARKERS.sub("", sentence).split()
    if len(words) < MIN_WORDS or sentence.rstrip().endswith(":") or any(c in sentence for c in ">›"):
        return True
    if _COPIED_LABEL.match(sentence) or sentence.lstrip().startswith(("-", "*")):
        return True  # a copied bullet or card line: "- Data Processing: …", "Q: …"
    capitalised = sum(w[:1].isupper() for w in words)
    return capitalised / len(words) > MAX_CAPITALISED


def is_unfinished(sentence: str) -> bool:
    """Whether a sentence stops without its closing punctuation (the model ran out of tokens)."""
    return not _MARKERS.sub("", sentence).rstrip(" \"')]").endswith((".", "!", "?"))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@dataclass(frozen=True)
class Checked:
    kept: list[str]
    dropped: list[str]


def check_sentences(
    text: str, hits: Sequence[Hit], question: str, opening: str = "", embeddings: Embeddings | None = None
) -> Checked:
    """Keep the model's sentences that read as prose and that one excerpt supports.

    Sentences that only repeat the `opening` (the answer so far) are skipped, not
    counted as dropped. A last sentence cut off by the token limit is dropped.
    With `embeddings`, a sentence must also be about the question (not merely
    about some excerpt), and a sentence copied from an excerpt is not the
    model's prose: both are dropped.
    """
    excerpts = [" ".join(h.chunk.path) + " " + h.chunk.text + " " + h.note for h in hits]
    said = set(content_terms(opening))
    kept: list[str] = []
    dropped: list[str] = []
    sentences = split_sentences(text)
    for n, sentence in enumerate(sentences, start=1):
        terms = content_terms(sentence)
        if not terms or sum(t in said for t in terms) / len(terms) >= REDUNDANT:
            continue  # bare markers, or nothing the answer has not already said
        ok = (
            not (n == len(sentences) and is_unfinished(sentence))
            and not is_fragment(sentence)
            and not is_instruction(sentence)
            and best_support(sentence, excerpts, question) >= SUPPORT_THRESHOLD
            and (embeddings is None or not is_copy(sentence, excerpts))
            and (embeddings is None or relevance(sentence, question, embeddings) >= MIN_RELEVANCE)
        )
        (kept if ok else dropped).append(sentence)
    return Checked(kept, dropped)


def is_copy(sentence: str, excerpts: Iterable[str], words: int = COPY_WORDS) -> bool:
    """Whether the sentence repeats `words` or more consecutive words of one excerpt."""
    tokens = [w.lower() for w in _WORD.findall(_MARKERS.sub(" ", sentence))]
    runs = {" ".join(tokens[i : i + words]) for i in range(len(tokens) - words + 1)}
    for excerpt in excerpts:
        text = " ".join(w.lower() for w in _WORD.findall(excerpt))
        if any(run in text for run in runs):
            return True
    return False


def relevance(sentence: str, question: str, embeddings: Embeddings) -> float:
    """Cosine similarity of a sentence to the question under the embedder."""
    import numpy as np

    vectors = np.asarray(embeddings.embed_documents([question, _MARKERS.sub("", sentence)]))
    return float(vectors[0] @ vectors[1])


def flatten(text: str, groups: int = LEAD_GROUPS) -> str:
    """Turn an excerpt's bullet outline into one line: "A: x, y; B: z"."""
    items: list[str] = []
    blocks = [b for b in re.split(r"\n(?=\S)", text.strip()) if not is_instruction(b)]
    for block in blocks[:groups]:
        lines = [line.strip().lstrip("-*").strip().rstrip(".") for line in block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        head, rest = lines[0], lines[1:]
        items.append(f"{head.rstrip(':')}: {', '.join(rest)}" if rest else head)
    return "; ".join(items)


def lead(hits: Sequence[Hit], definition: str = "") -> str:
    """The opening: where the roadmap covers the question, in its own words [1], and the
    knowledge card's sentence that best answers it, if there is one."""
    top = hits[0].chunk
    where = " › ".join(top.path)
    summary = flatten(top.text)
    text = f"The roadmap covers this under {where} [1]" + (f": {summary}." if summary else ".")
    if definition:
        definition = definition.strip()
        if definition[-1:] not in (".", "!", "?"):
            definition += "."
        text += " In plain words: " + before_final_punctuation(definition, " [1]")
    return text


def best_sentence(question: str, note: str, embeddings) -> str:
    """The sentence of a card's explanation closest in meaning to the question."""
    import numpy as np

    sentences = [s for s in split_sentences(note) if not is_instruction(s)]
    if not sentences:
        return ""
    vectors = np.asarray(embeddings.embed_documents([question, *sentences]))
    return sentences[int((vectors[1:] @ vectors[0]).argmax())]
