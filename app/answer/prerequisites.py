"""Questions on what to learn before a topic, answered from the curriculum.

"What should I learn before transformers?", "prerequisites for MLOps?" and "how
much math do I need for deep learning?" ask where a topic sits in the learning
order, not what it is. Their own words find the wrong entries ("how much math …"
found LeNet), so the tutor retrieves with the topic alone, opens with what the
curriculum (seeds/curriculum.yaml) puts before that topic's unit, and then
explains the topic briefly.
"""

from __future__ import annotations

import re

from app.answer.placing import Neighbours, series

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
