"""The learner in the chat: "quiz me on transformers" and "what should I learn next?".

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
    r"|\b(?:give me|start|take)\s+an?\s+quiz\b(?:\s+(?:on|about|in)\s+(?P<topic2>[^?.!]+))?",
    re.IGNORECASE,
)
_NEXT = re.compile(
    r"\bwhat\s+(?:should|shall|do|can)\s+i\s+(?:learn|study|do|read)\s+next\b"
    r"|\bwhat(?:'s| is)\s+next\b|\bwhere\s+should\s+i\s+(?:go|start|continue)\b"
    r"|\bwhat\s+should\s+i\s+(?:learn|study)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"`quiz (?P<items>[\w,]+) · (?P<at>\d+)/(?P<total>\d+)`")
_STOP = re.compile(r"^\s*(stop|quit|end|enough|cancel|exit)( the quiz)?\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    text: str  # Markdown the page shows (it escapes what the learner typed)


def is_learner_request(message: str, history: Sequence[Turn]) -> bool:
    """A quiz or what-next request now, or an answer to a quiz question just asked."""
    return bool(_QUIZ.search(message) or _NEXT.search(message) or pending(history))


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
    if asked and not quiz and not _NEXT.search(message):
        if _STOP.match(message):
            return Reply(
                "Quiz stopped. Your answers so far are saved; the Progress tab shows where you stand."
            )
        return _graded(coach, learner, message, *asked)
    if quiz:
        return _start(coach, learner, (quiz["topic"] or quiz["topic2"] or "").strip())
    return _next(coach, learner)


def _question(coach: Coach, items: list[str], at: int, opening: str = "") -> str:
    item = coach.item(items[at])
    title = coach.tree.label(item.topic_id)
    tag = f"`quiz {','.join(items)} · {at + 1}/{len(items)}`"
    return f"{opening}**Question {at + 1} of {len(items)}** ({title}): {item.question}\n\n{tag}"


def _start(coach: Coach, learner: str, topic: str) -> Reply:
    topic = re.sub(r"^(?:the|a|an)\s+", "", topic, flags=re.IGNORECASE)
    try:
        items = coach.quiz(learner, topic or None, QUIZ_SIZE)
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
