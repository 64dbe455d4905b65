"""How a question is read: what shape of answer it asks for (a comparison's sides, tools, a list, an
exercise), whether it leans on the previous turn, and what it asks about once how it should be
said is set aside.

Plain patterns over the question's words, no retrieval and no model:
`app.answer.compose` shapes the answer from what these say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.answer.naming import NAME_PARTS, subject
from app.core.abbreviations import spell_out
from app.core.errors import TutorError
from ingest.markdown import strip_controls

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Turn:
    """One earlier exchange in a conversation."""

    question: str
    answer: str


# A comparison names its sides after "difference between" or "choose between", around "vs", as
# "X rather than Y", in "should I use X or Y?", "is X better than Y?" or "which is better, X or Y?".
# "better than", "more accurate than": what one side is said to be next to the other.
_THAN = r"(?:better|worse|faster|slower|easier|harder|simpler|stronger|weaker|(?:more|less)\s+\w+)\s+than"
_COMPARE = (
    re.compile(
        r"\b(?:differences?|distinguish|compare|comparison|contrast)\s+(?:between\s+|of\s+)?(?P<sides>.+)",
        re.I,
    ),
    re.compile(r"(?P<sides>[^?.!:;]+?\s+(?:vs\.?|versus)\s+.+)", re.I),
    re.compile(
        r"\b(?:use|using|prefer|choose|pick)\s+(?P<sides>.+?\s+(?:rather than|instead of)\s+.+)", re.I
    ),
    re.compile(
        r"^(?:how|in what ways?)\s+(?:does|do|is|are)\s+(?P<sides>.+?\s+differ(?:ent)?\s+from\s+.+)", re.I
    ),
    re.compile(r"\b(?:choose|choosing|pick|picking|decide|deciding)\s+between\s+(?P<sides>.+)", re.I),
    re.compile(
        r"^(?:should\s+I|do\s+I|would\s+you)\s+(?:use|pick|choose|learn)\s+(?P<sides>[^,?]+?\s+or\s+[^,?]+)\?*$",
        re.I,
    ),
    re.compile(rf"^(?:is|are)\s+(?P<sides>[^?]+?\s+{_THAN}\s+[^?]+)", re.I),  # "is Adam better than SGD?"
    re.compile(  # "which is better, PyTorch or TensorFlow?"
        r"^(?:which|what)(?:\s+is|'s|’s|\s+one\s+is)\s+(?:better|best|faster|easier|preferred)\s*[,:]?\s*"
        r"(?P<sides>[^,?]+?\s+or\s+[^,?]+)\?*$",
        re.I,
    ),
)
_SIDE_SPLIT = re.compile(
    rf"\s*,\s*(?:and\s+|or\s+)?"
    rf"|\s+(?:and|or|vs\.?|versus|rather than|instead of|differ(?:ent)? from|{_THAN})\s+",
    re.I,
)
_SIDE_OPENER = re.compile(
    r"^(?:(?:when|why|where)\s+(?:to|should\s+\w+|do\s+\w+|would\s+\w+)\s+(?:use|pick|choose)\s+"
    r"|(?:what|which)(?:\s+is|'s|’s)?\s+|is\s+|are\s+|just\s+|simply\s+|between\s+)+",
    re.I,
)
_SIDE_TAIL = re.compile(r"\s+(?:for|in|when|on|with|to)\s+.*$", re.I)  # "PCA for dimensionality reduction"
MAX_SIDES = 3
_TOOLS = re.compile(
    r"\b(which|what|any|name|list|recommend)\b.{0,40}\b(tools?|librar(y|ies)|frameworks?)\b", re.I
)
# A question for a list of a kind of thing ("which algorithms are used for clustering?").
_LIST = re.compile(
    r"\b(?:(?:which|what)(?:\s+(?:are|were)\s+(?:the|some))?|list|name)"
    r"(?:\s+(?:a few|some|the|different|common|main|typical|various|popular))?"
    r"(?:\s+(?!(?:are|is|was|were)\b)[\w-]+){0,3}?"
    r"\s+(?:metrics|algorithms|methods|techniques|types|kinds|models|approaches|architectures|distributions|functions)\b",
    re.I,
)


def comparison(question: str) -> tuple[str, ...] | None:
    """The sides of "X vs Y", "difference between X and Y", "X rather than Y" (up to three:
    "supervised, unsupervised and reinforcement learning"), or None when the question does not
    compare. A head word the sides share is given to each ("generative and discriminative
    model" → "generative model", "discriminative model")."""
    text = re.sub(r"\b(vs|versus)\.", r"\1", question.strip(), flags=re.I)
    for clause in re.split(r"(?<=[?!])\s+|(?<=\.)\s+(?=[A-Z])", text):
        for pattern in _COMPARE:
            if match := pattern.search(clause):
                sides = _sides(match["sides"])
                if sides:
                    return sides
    return None


def _sides(text: str) -> tuple[str, ...] | None:
    parts = [p for p in _SIDE_SPLIT.split(text.strip().rstrip("?.!")) if p.strip()]
    if not 2 <= len(parts) <= MAX_SIDES:
        return None
    sides = [_side(_SIDE_TAIL.sub("", _SIDE_OPENER.sub("", p.strip()))) for p in parts]
    if not all(sides):
        return None
    last = sides[-1].split()
    head = last[-1] if len(last) > 1 and last[-1][:1].islower() else ""  # a common noun, not "MapReduce"
    if head:
        sides = [side if _whole(side, head) else f"{side} {head}" for side in sides]
    return tuple(sides) if len({s.casefold() for s in sides}) == len(sides) else None


def _whole(side: str, head: str) -> bool:
    """Whether a side stands on its own, not a modifier of the last side's head ("generative"
    of "discriminative model"): several words, the head itself, a plural noun ("convolutions"),
    an acronym ("AI") or a name with capitals inside ("XGBoost")."""
    if side.isalpha() and side.isupper() and len(side) > 1:  # "AI" of "AI, ML and deep learning"
        return True
    if any(c.isupper() for c in side[1:]):  # a name with capitals inside: "XGBoost", "PyTorch"
        return True
    return len(side.split()) > 1 or side.casefold() == head.casefold() or side.casefold().endswith("s")


# A problem to solve rather than a topic to explain: "Reverse a bitstring.", "Given a fair coin,
# what's the number of flips ...?", "What's the probability that Jason has two sons?".
_EXERCISE = re.compile(
    r"^\s*(?:find|compute|calculate|write|implement|reverse|prove|count)\b"
    r"|\bwhat(?:'s|’s|\s+is)\s+the\s+(?:probability|expected\s+(?:number|value)|number\s+of)\b"
    r"|^\s*given\b[^?]*\b(?:find|what|how|when|which)\b",
    re.I | re.M,
)


def is_exercise(question: str) -> bool:
    """Whether the question sets a problem to solve (on any of its lines)."""
    return bool(_EXERCISE.search(question))


def asks_for_tools(question: str) -> bool:
    return bool(_TOOLS.search(question))


_EXAMPLE = re.compile(
    r"\b(?:(?:an?|some|one|any)\s+)?(?:(?:concrete|real(?:[- ]world|[- ]life)?|simple|practical)\s+)?"
    r"examples?\s+(?:of|for)\b|\b(?:an?|some|one|any)\s+(?:(?:concrete|real|simple|practical)\s+)?examples?\b(?!-)",
    re.I,
)


# A question on how to do something with a topic, which its example shows: "how do I pick k in
# k-means?", "how do I calculate precision?".
_HOW_TO = re.compile(
    r"^(?:(?:and|so|ok|okay)[,\s]+)?how\s+(?:(?:do|can|should|would|could)\s+(?:i|we|you|one)\s+|to\s+)"
    r"(?:best\s+)?(?:choose|pick|select|tune|set|compute|calculate|implement|use|apply|run|build|train|write|"
    r"create|evaluate|measure|interpret|read|deploy|define|test|check|plot|visuali[sz]e|estimate)\b",
    re.I,
)


def asks_how_to(question: str) -> bool:
    return bool(_HOW_TO.search(question))


def asks_for_example(question: str) -> bool:
    """ "Give me an example of overfitting", "PCA with an example", "a real-world example of RL"."""
    return bool(_EXAMPLE.search(question))


def asks_for_list(question: str) -> bool:
    return bool(_LIST.search(question))


def _side(text: str) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(" ,;:?\"'"), flags=re.I)
    return text if 0 < len(text.split()) <= 6 else ""


# How a learner wants the answer said rather than what it is about: "explain overfitting
# *simply*", "*ELI5* gradient descent", "attention *like I'm 12*", "PCA *in plain English*".
_WHO = r"kids?|child(?:ren)?|beginners?|newbies?|noobs?|dummies|non-?experts?|lay(?:man|men|person|people)"
_AGE = r"(?:\d+|five|ten|twelve)"
_MANNER = re.compile(
    r"^\s*(?:eli5|explain\s+like\s+i'?m\s+(?:5|five))\b\s*[:,-]?"
    r"|^\s*(?:please|pls|quick\s+question)\b\s*[:,-]?"
    r"|[ \t,(]*\b(?:simply|briefly|please|pls"
    r"|in\s+(?:(?:very\s+)?(?:simple|plain|easy|basic|everyday|non-technical|layman'?s?)|a\s+few|one|two|few)"
    r"\s+(?:terms|english|words|language|sentences?)"
    r"|in\s+(?:short|brief|a\s+nutshell|(?:more\s+|great\s+)?detail)|step[-\s]by[-\s]step"
    r"|(?:like|as\s+if|as\s+though)\s+(?:i'?m|i\s+am|i\s+was|i\s+were|you'?re\s+talking\s+to)\s+"
    rf"(?:(?:a|an)\s+)?(?:{_AGE}(?:[-\s]years?[-\s]old)?|{_WHO})"
    rf"|(?:explained\s+)?(?:for|to)\s+(?:(?:a|an)\s+)?(?:{_AGE}[-\s]years?[-\s]olds?|{_WHO})"
    r")\b[\s)]*",
    re.I,
)


def plainly(question: str) -> str:
    """The question without how it should be said: "explain overfitting simply" asks about
    overfitting, not about "overfitting simply" (the question itself when nothing else is left)."""
    text = _MANNER.sub(" ", question)
    if text == question:
        return question
    text = re.sub(r"[ \t]+([?.!,])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip(" ,")
    return text if text.strip("?.! ") else question


def clean_question(question: str) -> str:
    """Normalise a learner's question; empty or oversized input is a user error."""
    question = " ".join(strip_controls(question).split())
    if not question:
        raise TutorError("the question is empty: type a question about the roadmap")
    if len(question) > MAX_QUESTION_CHARS:
        raise TutorError(
            f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}"
        )
    return question


# Words that make a question lean on the previous turn ("and which tools does it list?").
_FOLLOWUP = re.compile(
    r"^\s*(and|also|so|then|but|what about|how about|why|which of)\b"
    r"|\b(it|its|it's|that|this|these|those|they|them|their|there|the same|above|one)\b"
    r"|\b(the (first|second|third|other|former|latter)|equivalents?)\b",
    re.IGNORECASE,
)


# A question made only of these asks for more on the last topic: "give me an example", "tell me more".
_TOPICLESS_WORDS = (
    "give show tell explain elaborate expand continue go on me us an a another one more some "
    "few other example examples detail details further again simpler simply plain english "
    "words terms in like i'm im five concrete real world life simple practical please can "
    "could you ok okay so and what else why how"
)
_TOPICLESS = frozenset(_TOPICLESS_WORDS.split())


def is_followup(question: str) -> bool:
    """Whether the question leans on the previous turn ("and which tools does it need?", "give me
    an example")."""
    words = re.findall(r"[a-z']+", question.casefold())
    return bool(_FOLLOWUP.search(question)) or bool(words) and set(words) <= _TOPICLESS


_ABOUT_ELSE = re.compile(r"^\W*(and\s+)?(what|how)\s+about\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|it's|this|that|they|them|their)\b", re.IGNORECASE)


def on_last_topic(question: str) -> bool:
    """Whether a follow-up asks about the last turn's topic: "which tools does it need?", not
    "what about kubernetes?" or "and what is momentum?", which name a subject of their own."""
    asked = subject(question)
    own = bool(asked) and not _PRONOUN.search(asked)
    return is_followup(question) and not _ABOUT_ELSE.match(question) and not own


def naming_topic(question: str, name: str) -> str:
    """The follow-up with the topic's name for "it": "which tools does Rebasing need?". Where the
    name would make it a comparison ("Docker images vs containers"), its first part is used."""
    named = _PRONOUN.sub(name, question)
    if comparison(named) and not comparison(question):
        named = _PRONOUN.sub(NAME_PARTS.split(name)[0], question)
    return named


def topic_question(history: Sequence[Turn]) -> str:
    """The last question that named its own topic, which a follow-up's "it" stands for: after
    "what is a random forest?" and "what are its disadvantages?", "how is it different from
    boosting?" is still on random forests (it was read with "its disadvantages" alone, and
    answered from Docker)."""
    for turn in reversed(history):
        if not on_last_topic(turn.question):
            return turn.question
    return history[-1].question


def search_query(question: str, history: Sequence[Turn]) -> str:
    """What to retrieve with: a follow-up carries the question of the topic it follows along;
    abbreviations are spelled out ("what is an LLM?": a large language model)."""
    question = plainly(question)
    if history and is_followup(question):
        question = f"{plainly(topic_question(history))} {question}"
    return spell_out(question)
