"""Questions on what to learn before a topic, or which of two first, answered from the curriculum.

"What should I learn before transformers?", "prerequisites for MLOps?" and "how
much math do I need for deep learning?" ask where a topic sits in the learning
order, not what it is. Their own words find the wrong entries ("how much math …"
found LeNet), so the tutor retrieves with the topic alone, opens with what the
curriculum (seeds/curriculum.yaml) puts before that topic's unit, and then
explains the topic briefly. "Should I learn SQL or pandas first?" is answered with
which of the two units builds on the other (`Curriculum.learning_order`), then what
each is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from app.answer.compose import Composition, EntryText, Sentence
from app.answer.placing import Neighbours, series
from app.answer.retrieve import Hit

# Two roadmap paths → their units' titles and 1 (the second builds on the first), -1 or 0; None
# when either is in no unit (`Curriculum.learning_order`).
LearningOrder = Callable[[tuple[str, ...], tuple[str, ...]], "tuple[str, str, int] | None"]

_TOPIC = r"(?:(?:learning|studying|starting(?:\s+with)?|getting\s+into|doing)\s+)?(?P<topic>[^?.!]+)"
# What one learns, as "how much *math* do I need …" or "do I need *calculus* …" names it (not a GPU).
_SUBJECT = (
    r"(?:(?:some|any|much|the|a\s+lot\s+of)\s+)?(?:math(?:s|ematics)?|stat(?:s|istics)|probability|calculus"
    r"|(?:linear\s+)?algebra|python|programming|coding|sql|theory|computer\s+science|ml|machine\s+learning"
    r"|deep\s+learning|background|experience)"
)
_BEFORE = (
    # "what should I learn before transformers?", "which topics do I need to know before MLOps?",
    # not "which parts of Python should I master before AI work?" (that asks about Python)
    re.compile(
        r"\b(?:what|which)(?:\s+(?:topics?|things?|skills?|subjects?|concepts?|courses?|else))?"
        r"\s+(?:should|do|must|would|need\s+to)\s+i\s+(?:need\s+to\s+)?(?:\w+\s+)?"
        r"(?:know|learn|study|master|understand|cover)\s+(?:first\s+)?(?:before|prior\s+to)\s+" + _TOPIC,
        re.I,
    ),
    # "prerequisites for deep learning", "what are the prereqs of MLOps?"
    re.compile(r"\bprereq(?:uisite)?s?\s+(?:for|of|to|before)\s+" + _TOPIC, re.I),
    # "how much math do I need for deep learning?", "what do I need to know to learn Kubernetes?"
    re.compile(
        r"\b(?:how\s+much\s+" + _SUBJECT + r"\s+do\s+i\s+need(?:\s+to\s+know)?"
        r"|(?:what|which)\b[\w\s-]{0,30}?\bdo\s+i\s+need\s+to\s+(?:know|learn|study))\s+"
        r"(?:for|before|to\s+(?:learn|study|understand|do|get\s+into|start(?:\s+with)?))\s+" + _TOPIC,
        re.I,
    ),
    # "do I need calculus for deep learning?", not "do I need a GPU for deep learning?"
    re.compile(
        r"^\s*(?:do|will|would)\s+i\s+need\s+(?:to\s+(?:know|learn|study)\s+)?" + _SUBJECT + r"\s+"
        r"(?:for|before|to\s+(?:learn|study|understand|do|get\s+into))\s+" + _TOPIC,
        re.I,
    ),
    # "what does deep learning build on?"
    re.compile(r"\bwhat\s+does\s+(?P<topic>[^?.!]+?)\s+(?:build|depend)s?\s+on\b", re.I),
)
MOST = 3  # units named in the answer's opening


def prerequisites_of(question: str) -> str:
    """The topic whose prerequisites the question asks for, or "" when it asks something else."""
    for pattern in _BEFORE:
        if match := pattern.search(question):
            topic = re.sub(r"^(?:the|an?)\s+", "", match["topic"].strip(" ,;:"), flags=re.I)
            if 0 < len(topic.split()) <= 6:
                return topic
    return ""


def before_sentence(topic: str, path: tuple[str, ...], neighbours: Neighbours) -> str:
    """What the curriculum puts before the unit at `path`, as the answer's first sentence ("" where
    the curriculum does not place it: soft skills are in no unit)."""
    before, after = neighbours(path)
    if not before and not after:
        return ""
    if not before:
        return f"The roadmap puts nothing before {topic}: you can start with it."
    return f"Before {topic}, the roadmap has you learn {series(before, MOST)}."


# "should I learn statistics or Python first?", "what should I learn first, SQL or pandas?",
# "docker or kubernetes first?"
_WHICH_FIRST = (
    re.compile(
        r"^\s*(?:should|do|must|would|can)\s+i\s+(?:learn|study|start\s+with|pick\s+up|take)\s+"
        r"(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s+first\b",
        re.I,
    ),
    re.compile(
        r"\b(?:what|which)(?:\s+one)?\s+(?:should\s+i\s+(?:learn|study|start\s+with)|comes?|do\s+i\s+learn)"
        r"\s+first\s*[,:;-]?\s*(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+)",
        re.I,
    ),
    re.compile(r"^\s*(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s+first\s*\?*\s*$", re.I),
)


def which_first(question: str) -> tuple[str, str] | None:
    """The two topics a question asks the learning order of, or None."""
    for pattern in _WHICH_FIRST:
        if match := pattern.search(question):
            sides = [re.sub(r"^(?:the|an?)\s+", "", match[k].strip(" ,;:?"), flags=re.I) for k in "ab"]
            if all(0 < len(side.split()) <= 5 for side in sides):
                return sides[0], sides[1]
    return None


def order_sentence(sides: tuple[str, str], order: tuple[str, str, int]) -> str:
    """What the curriculum says of two topics' order (`Curriculum.learning_order` of their units)."""
    (a, b), (unit_a, unit_b, relation) = sides, order
    if relation == 0 and unit_a == unit_b:
        return f"The roadmap teaches {a} and {b} together, in {unit_a}."
    if relation == 0:
        return (
            f"Neither waits for the other in the roadmap: {a} is in {unit_a} and {b} in {unit_b}, "
            "so start with the one your goal needs first."
        )
    first, then, first_unit, then_unit = (a, b, unit_a, unit_b) if relation > 0 else (b, a, unit_b, unit_a)
    return f"Learn {first} first: in the roadmap, {then} ({then_unit}) builds on {first} ({first_unit})."


def in_order(
    question: str, side_entries: Callable[[str], Sequence[Hit]], learning_order: LearningOrder
) -> Composition | None:
    """ "Should I learn X or Y first?": what the curriculum says of their order, then what each
    is; None for another question, or where either has no entry of its own."""
    sides = which_first(question)
    if sides is None:
        return None
    hits = [next(iter(side_entries(side)), None) for side in sides]
    if hits[0] is None or hits[1] is None or hits[0] == hits[1]:
        return None
    order = learning_order(hits[0].chunk.path[:-1], hits[1].chunk.path[:-1])
    what = [EntryText.of(hit).what for hit in hits]
    if order is None or not all(what):
        return None
    said = [Sentence(order_sentence(sides, order), hits[0])]
    said += [Sentence(sentences[0], hit) for sentences, hit in zip(what, hits, strict=True)]
    return Composition(said, None)
