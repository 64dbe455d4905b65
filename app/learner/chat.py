"""The learner in the chat: "quiz me on transformers", "what should I learn next?", "what is due?".

Both are answered by code, never by the model. A quiz runs across turns with
no state on the server: each question message ends with a tag that names the
quiz's items and which one is being asked (`quiz e1a2…,e3b4… · 2/5`), so the
learner's next message is read as the answer to that item. The key appears
only in the reply that grades the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.errors import TutorError

if TYPE_CHECKING:
    from app.answer.tutor import Turn
    from app.learner.coach import Coach

QUIZ_SIZE = 5
_QUIZ = re.compile(
    r"\b(?:quiz|test|check|examine)\s+me\b(?:\s+(?:on|about|in)\s+(?P<topic>[^?.!]+))?"
    r"|\b(?:give me|start|take)\s+an?\s+quiz\b(?:\s+(?:on|about|in)\s+(?P<topic2>[^?.!]+))?"
    r"|\b(?:give|ask)\s+me\s+(?:\d+\s+|some\s+|a few\s+)?(?:quiz\s+)?questions"
    r"\s+(?:on|about|in)\s+(?P<topic3>[^?.!]+)",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\b(?P<n>\d+)\s+(?:quiz\s+)?questions\b", re.IGNORECASE)  # "give me 3 questions on …"
# "what's due?", "what questions are due now?" (not "what is due diligence?"), "what should I review?"
_DUE = re.compile(
    r"\bwhat\b[^?]*?(?:\bis|\bare|'s)\s+due(?:\s+(?:now|today|for review))?\s*[?.!]*$"
    r"|\bwhat\s+(?:do|should)\s+i\s+(?:need\s+to\s+)?review\b"
    r"|\breview\s+(?:my|the)\s+(?:due\s+)?(?:cards|questions|items)\b|\b(?:start|do)\s+(?:a|my)\s+review\b",
    re.IGNORECASE,
)
_PLACEMENT = re.compile(r"\bplacement\s+(?:quiz|test|exam)\b|\bwhat\s+do\s+i\s+already\s+know\b", re.I)
_NEXT = re.compile(
    r"\bwhat\s+(?:should|shall|do|can)\s+i\s+(?:learn|study|do|read)\s+next\b"
    r"|\bwhat(?:'s| is)\s+next\b|\bwhere\s+should\s+i\s+(?:go|start|continue)\b"
    # (not "what should I learn before transformers?" or "… first, SQL or pandas?": the tutor
    # answers those from the curriculum)
    r"|\bwhat\s+should\s+i\s+(?:learn|study)\b(?!\s+(?:first\s+)?(?:before|prior\s+to)\b|\s+first\W+[^?]*\bor\b)",
    re.IGNORECASE,
)
_REQUESTS = (_QUIZ, _NEXT, _DUE, _PLACEMENT)
MAX_REVIEW = 20  # due questions asked in one go
_TAG = re.compile(r"`quiz (?P<items>[\w,]+) · (?P<at>\d+)/(?P<total>\d+)`")
_STOP = re.compile(r"^\s*(stop|quit|end|enough|cancel|exit)( the quiz)?\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    text: str  # Markdown the page shows (it escapes what the learner typed)


def is_learner_request(message: str, history: Sequence[Turn]) -> bool:
    """A quiz or what-next request now, or an answer to a quiz question just asked."""
    return bool(any(p.search(message) for p in _REQUESTS) or pending(history))


def pending(history: Sequence[Turn]) -> tuple[list[str], int] | None:
    """The quiz items and the position of the question the last reply asked, if it asked one."""
    if not history:
        return None
    tag = _TAG.search(history[-1].answer)
    if tag is None:
        return None
    return tag["items"].split(","), int(tag["at"]) - 1


def reply(coach: Coach, learner: str, message: str, history: Sequence[Turn]) -> Reply:
    """The coach's answer to a learner request in the chat."""
    asked = pending(history)
    quiz = _QUIZ.search(message)
    if asked and not any(p.search(message) for p in _REQUESTS):  # a new request is no answer
        if _STOP.match(message):
            return Reply(
                "Quiz stopped. Your answers so far are saved; the Progress tab shows where you stand."
            )
        return _graded(coach, learner, message, *asked)
    if quiz:
        count = _COUNT.search(message)
        topic = quiz["topic"] or quiz["topic2"] or quiz["topic3"] or ""
        return _start(coach, learner, topic.strip(), int(count["n"]) if count else QUIZ_SIZE)
    if _DUE.search(message):
        return _due(coach, learner)
    if _PLACEMENT.search(message):
        return Reply(
            "The placement quiz is in the **Quiz** tab: press *Placement: what do I already know?*. "
            "It asks at most 15 questions, about one per unit, skips what builds on a unit you miss, "
            "and proposes the units you know for you to confirm."
        )
    return _next(coach, learner)


def _question(coach: Coach, items: list[str], at: int, opening: str = "") -> str:
    item = coach.item(items[at])
    title = coach.tree.label(item.topic_id)
    tag = f"`quiz {','.join(items)} · {at + 1}/{len(items)}`"
    return f"{opening}**Question {at + 1} of {len(items)}** ({title}): {item.question}\n\n{tag}"


def _start(coach: Coach, learner: str, topic: str, size: int = QUIZ_SIZE) -> Reply:
    topic = re.sub(r"^(?:the|a|an)\s+", "", topic, flags=re.IGNORECASE)
    try:
        items = coach.quiz(learner, topic or None, size)
    except TutorError as exc:
        return Reply(f"I can't make that quiz: {exc}.")
    if not items:
        return Reply("There is nothing to quiz you on there yet.")
    about = (
        ", ".join(coach.tree.label(t) for t in coach.find_topics(topic)[:3]) if topic else "your next topics"
    )
    opening = (
        f"A quiz on {about}: {len(items)} questions from the knowledge cards. Type your answer; "
        "it is graded by code against the card's key, which you see after answering. Say 'stop' to end.\n\n"
    )
    return Reply(_question(coach, [i.id for i in items], 0, opening))


def _graded(coach: Coach, learner: str, message: str, items: list[str], at: int) -> Reply:
    try:
        result = coach.answer(learner, items[at], message)
    except TutorError as exc:
        return Reply(f"{exc}.\n\n{_question(coach, items, at)}")
    verdict = "Right." if result.correct else "Not quite."
    text = (
        f"{verdict} The key: {result.key}\n\nNext review of this question: "
        f"{result.next_due.date().isoformat()}. (Disagree? Override the grade in the Quiz tab.)"
    )
    if at + 1 < len(items):
        return Reply(_question(coach, items, at + 1, text + "\n\n"))
    return Reply(text + "\n\nThat was the last question. The Progress tab shows where you stand.")


def _due(coach: Coach, learner: str) -> Reply:
    """The questions due for review now, asked one after another like a quiz."""
    due = [d.item.id for d in coach.due_items(learner)][:MAX_REVIEW]
    if not due:
        later = coach.due_count(learner, days=7)
        return Reply(f"Nothing is due for review now; {later} question(s) in the next 7 days (Review tab).")
    opening = f"{len(due)} question(s) due for review. Type your answer, or say 'stop' to end.\n\n"
    return Reply(_question(coach, due, 0, opening))


def _next(coach: Coach, learner: str) -> Reply:
    progress = coach.progress(learner)
    units = coach.next(learner, progress)
    goal = coach.store.goal(learner)
    if not units:
        return Reply(
            "Nothing is ready: every unit is done, skipped, or waits for a prerequisite you skipped."
        )
    toward = f" toward your goal ({goal})" if goal else " (set a goal in the Progress tab to rank toward it)"
    lines = [f"Ready for you next{toward}; everything each one needs is done or mastered:"]
    for n, unit in enumerate(units, start=1):
        lines.append(f"{n}. **{coach.tree.label(unit)}** — {' › '.join(coach.tree[unit].path)}")
    due = coach.due_count(learner)
    if due:
        lines.append(f"\nAlso {due} question(s) are due for review (Review tab).")
    return Reply("\n".join(lines))
