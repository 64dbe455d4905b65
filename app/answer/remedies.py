"""Questions that ask how to avoid or fix a problem: "how do I avoid overfitting?".

Retrieval finds the problem's own entry first (Overfitting and underfitting), which says what
overfitting is and how it shows, but not what to do about it; an answer opened by it told the
learner what overfitting is three ways and never how to avoid it. The entry that acts against the
problem, one whose name or first sentences name the problem beside a word of remedy ("Regularization
against overfitting", "… reduces overfitting"), opens such an answer instead, when it is among the
entries found and the first is not one already.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from app.answer.aside import loose
from app.answer.asking import Turn, topic_question
from app.answer.naming import subject
from app.answer.retrieve import Hit, Retrieval
from ingest.entries import sentences

_REMEDY_QUESTION = re.compile(
    r"^(?:(?:and|so|but|ok|okay)[,\s]+)?"
    r"(?:how\s+(?:do|can|should|would|could|might|to)\s+(?:(?:i|we|you|one)\s+)?(?:best\s+)?"
    r"|what\s+(?:are|is)\s+(?:the\s+|some\s+)?(?:best\s+|common\s+)?(?:ways?|techniques?|methods?|tips|strateg(?:y|ies))\s+(?:to|for|of)\s+"
    r"|(?:(?:the|some)\s+)?(?:best\s+|common\s+)?(?:ways?|techniques?|methods?|tips)\s+(?:to|for|of)\s+)"
    r"(?:avoid|prevent|reduc|fix|handl|deal(?:ing)?\s+with|combat|mitigat|tackl|overcom|get(?:ting)?\s+rid\s+of"
    r"|stop|counter|address|cur|lessen)\w*\s+(?P<problem>.+?)[\s?.!]*$",
    re.I,
)
# Words with which an entry says it acts against something: "reduces overfitting", "against".
_REMEDY = re.compile(
    r"\b(?:reduc|prevent|avoid|against|mitigat|combat|counter|fight|fix|lessen|curb|tackl|address|cur(?:e|es|ing)\b"
    r"|solv|remed|alleviat|overcom|stabiliz|stabilis)\w*",
    re.I,
)
_PRONOUNS = ("it", "them", "this", "that", "these", "those", "this problem", "that problem")
LOOKED_AT = 3  # the first entries found, one of which may act against the problem


def remedy_of(question: str) -> str:
    """The problem a question asks how to avoid or fix ("overfitting"), or ""."""
    match = _REMEDY_QUESTION.match(question.strip())
    if not match:
        return ""
    kept_from = re.search(r"\bfrom\s+(\w+ing\b.*)$", match["problem"])  # "stop my model from overfitting"
    return kept_from[1] if kept_from else match["problem"]


def _opening(hit: Hit) -> str:
    """An entry's name and first two sentences, where it says what it acts against."""
    return " ".join([hit.chunk.path[-1], *sentences(hit.chunk.text)[:2]])


def acts_against(hit: Hit, problem: str) -> bool:
    """Whether an entry's name or first two sentences name the problem and a remedy word."""
    text = _opening(hit)
    wanted = loose(problem)
    return bool(wanted) and wanted <= loose(text) and bool(_REMEDY.search(text))


def answers_remedy(question: str, entry: Hit) -> bool:
    """Whether the entry opening an answer acts against what the question asks to avoid: a word of
    the problem and a word of remedy in its name or first sentences (for a follow-up, "how do I
    avoid it?", the problem reads as the last topic's name, "Overfitting and underfitting")."""
    problem = remedy_of(question)
    if not problem:
        return False
    text = _opening(entry)
    named = problem.casefold() in _PRONOUNS or bool(loose(problem) & loose(text))
    return named and bool(_REMEDY.search(text))


def remedy_first(found: Retrieval, question: str, history: Sequence[Turn] = ()) -> Retrieval:
    """`found` with the entry that acts against the problem a question asks to avoid first, when
    the first entry does not and one of the next ones does. "How do I avoid it?" asks about what
    the previous question asked about ("what's overfitting?")."""
    problem = remedy_of(question)
    if problem.casefold() in _PRONOUNS:
        problem = subject(topic_question(history)) if history else ""
    if not problem or len(found.entries) < 2 or acts_against(found.entries[0], problem):
        return found
    best = next((hit for hit in found.entries[1:LOOKED_AT] if acts_against(hit, problem)), None)
    if best is None:
        return found
    return replace(found, entries=[best, *(hit for hit in found.entries if hit is not best)])
