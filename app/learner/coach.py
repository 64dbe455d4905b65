"""The `Coach`: quizzes, answers, progress, review, placement and "what next" for named learners.

It joins the item bank, the grader, the store and the curriculum; the CLI, the
page and the chat only adapt it. Every method takes the learner's name first,
and a user's mistake (an unknown item or topic, an empty answer) raises a
`TutorError` before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from app.core.errors import TutorError
from app.learner import review
from app.learner.grading import MAX_RESPONSE, Grader
from app.learner.items import Item, ItemBank
from app.learner.next_steps import next_units
from app.learner.placement import Placed, Placement
from app.learner.progress import MASTERED, Progress, compute, mastery
from app.learner.store import LearnerStore, now

if TYPE_CHECKING:
    from app.plan.curriculum import Curriculum

QUIZ_SIZE = 5
MAX_QUIZ = 50
_KINDS = {"area": 0, "section": 1, "subsection": 2, "topic": 3}


@dataclass(frozen=True)
class Result:
    """A graded answer, as the learner sees it once they have answered."""

    answer_id: int
    item_id: str
    topic_id: str
    correct: bool
    score: float
    key: str
    next_due: datetime
    done: bool  # the answer made its topic done

    def to_json(self) -> dict:
        return {
            "correct": self.correct,
            "key": self.key,
            "next_due": self.next_due.date().isoformat(),
            "answer_id": self.answer_id,
            "item_id": self.item_id,
            "topic_id": self.topic_id,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class DueItem:
    item: Item
    due: datetime


def _word(word: str) -> str:
    """A word without its plural ending: "transformers" finds "Transformer Architectures"."""
    word = word.lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_word(w) for w in re.findall(r"[a-z0-9+#]+", text.lower())} - {"and", "of", "the", "for", "in"}


class Coach:
    """Learner-facing operations over one store, item bank and curriculum."""

    def __init__(
        self,
        store: LearnerStore,
        bank: ItemBank,
        curriculum: Curriculum,
        grader: Callable[[], Grader],
        goal_targets: Callable[[str], list[str]] | None = None,
    ) -> None:
        """`grader` builds the grader on first use (it loads the embedder); `goal_targets`
        turns a goal into unit ids (the planner's), for ranking "what next"."""
        self.store = store
        self.bank = bank
        self.curriculum = curriculum
        self.tree = bank.tree
        self._grader_factory = grader
        self._goal_targets = goal_targets

    @cached_property
    def grader(self) -> Grader:
        return self._grader_factory()

    # --- topics and items -------------------------------------------------------

    def find_topics(self, text: str) -> list[str]:
        """Node ids that `text` names: an id, a title, or words every match's title (or entry) contains."""
        text = (text or "").strip()
        exact = self.tree.find(text) if text else None
        if exact:
            return [exact]
        wanted = _words(text)
        if not wanted:
            return []
        position = {node_id: n for n, node_id in enumerate(self.tree.nodes)}
        found = {n.id for n in self.tree.nodes.values() if wanted <= _words(n.title)}
        if not found:  # an entry's name: "self-attention" is an entry of a topic
            found = {
                i.topic_id for i in self.bank.items if i.source == "entry" and wanted <= _words(i.path[-1])
            }
        # The broadest matches, each once: a section already covers its topics.
        ordered = sorted(found, key=lambda n: (_KINDS[self.tree[n].kind], position[n]))
        kept: list[str] = []
        for node_id in ordered:
            if not any(node_id in self.tree.descendants(k) for k in kept):
                kept.append(node_id)
        return kept

    def topic(self, text: str) -> list[str]:
        """Like `find_topics`, but an unknown topic is the user's mistake."""
        found = self.find_topics(text)
        if not found:
            raise TutorError(f"unknown topic {text!r}: use an id or a title from 'tutor topics'")
        return found

    def item(self, item_id: str) -> Item:
        item = self.bank.get((item_id or "").strip())
        if item is None:
            raise TutorError(f"unknown item {item_id!r}: take item ids from 'tutor quiz --json'")
        return item

    def quiz(
        self, learner: str, topic: str | None = None, n: int = QUIZ_SIZE, at: datetime | None = None
    ) -> list[Item]:
        """Up to `n` items: those due first, then new ones (one topic after another), then the weakest."""
        if not 1 <= n <= MAX_QUIZ:
            raise TutorError(f"a quiz has 1 to {MAX_QUIZ} items (got {n})")
        at = at or now()
        if topic:
            pool = [i for node in self.topic(topic) for i in self.bank.under(node)]
        else:
            pool = self._suggested_pool(learner, at)
        cards = {c.item_id: c for c in self.store.cards(learner)}
        due = sorted(
            (i for i in pool if i.id in cards and review.utc(cards[i.id].card.due) <= at),
            key=lambda i: cards[i.id].card.due,
        )
        fresh = _round_robin([i for i in pool if i.id not in cards])
        weakest = sorted(
            (i for i in pool if i.id in cards and i not in due),
            key=lambda i: (cards[i.id].last_correct, review.recall(cards[i.id].card, at)),
        )
        return list(dict.fromkeys([*due, *fresh, *weakest]))[:n]

    def _suggested_pool(self, learner: str, at: datetime) -> list[Item]:
        """Without a topic: what the learner is learning, then what is next for them."""
        progress = self.progress(learner, at)
        learning = [t.id for t in progress.topics if t.state == "learning"]
        units = [u.id for u in progress.units if u.state == "learning"] + self.next(learner, progress)
        pool = [i for t in learning for i in self.bank.by_topic.get(t, [])]
        pool += [i for u in units for i in self.bank.under(u)]
        return list(dict.fromkeys(pool)) or self.bank.items

    def choices(self, item: Item) -> list[str]:
        return self.bank.choices(item)

    # --- answers ----------------------------------------------------------------

    def answer(
        self,
        learner: str,
        item_id: str,
        response: str,
        *,
        choice: bool = False,
        kind: str = "quiz",
        at: datetime | None = None,
    ) -> Result:
        """Grade and store one answer; its item's card is reviewed and its topic's state may move."""
        item = self.item(item_id)
        response = (response or "").strip()
        if not response:
            raise TutorError("the answer is empty: type what you think (or 'idk' to see the key)")
        if len(response) > MAX_RESPONSE:
            raise TutorError(f"the answer is {len(response)} characters long; keep it under {MAX_RESPONSE}")
        grade = self.grader.grade(item, response, choice=choice)
        at = at or now()
        is_topic = self.tree[item.topic_id].kind == "topic"
        recorded = self.store.record(
            learner,
            item_id=item.id,
            topic_id=item.topic_id,
            response=response,
            correct=grade.correct,
            score=grade.score,
            kind=kind,
            at=at,
            promote=is_topic,
        )
        done = False
        if is_topic and grade.correct:
            cards = {c.item_id: c for c in self.store.cards(learner)}
            if mastery(self.bank.by_topic[item.topic_id], cards, at) >= MASTERED:
                done = self.store.mark_mastered(learner, item.topic_id)
        return Result(
            recorded.answer_id,
            item.id,
            item.topic_id,
            grade.correct,
            grade.score,
            item.key,
            recorded.due,
            done,
        )

    def override(self, learner: str, answer_id: int, correct: bool) -> Result:
        """The learner's own verdict on a graded answer replaces the grader's."""
        recorded = self.store.override(learner, answer_id, correct)
        answer = next(a for a in self.store.answers(learner) if a.id == answer_id)
        item = self.bank.get(answer.item_id)
        key = item.key if item else ""
        return Result(
            answer_id, answer.item_id, answer.topic_id, correct, answer.score, key, recorded.due, False
        )

    # --- progress, review and what next ---------------------------------------

    def progress(self, learner: str, at: datetime | None = None) -> Progress:
        return compute(self.bank, self.store.states(learner), self.store.cards(learner), at or now())

    def check_goal(self, goal: str) -> list[str]:
        """The units a goal names; a goal that names nothing is the user's mistake."""
        return self._goal_targets(goal) if self._goal_targets else []

    def goal_targets(self, learner: str) -> list[str]:
        goal = self.store.goal(learner)
        if not goal or self._goal_targets is None:
            return []
        try:
            return self._goal_targets(goal)
        except TutorError:
            return []  # a goal that no longer matches anything ranks nothing first

    def next(self, learner: str, progress: Progress | None = None, limit: int = 5) -> list[str]:
        """Unit ids ready to learn, ranked toward the learner's goal."""
        progress = progress or self.progress(learner)
        return next_units(self.curriculum, progress, self.goal_targets(learner), limit)

    def due_items(self, learner: str, until: datetime | None = None) -> list[DueItem]:
        """The learner's items due for review by `until` (default now), soonest first."""
        found = self.store.due(learner, review.utc(until or now()))
        return [DueItem(self.bank.by_id[i], due) for i, _, due in found if i in self.bank.by_id]

    def due_count(self, learner: str, days: int = 0) -> int:
        return len(self.due_items(learner, now() + timedelta(days=days)))

    def set_state(self, learner: str, topic: str, state: str) -> int:
        """Set `state` on a topic and everything under it (an area sets all its topics)."""
        node = self.tree.find((topic or "").strip())
        if node is None:
            near = ", ".join(self.find_topics(topic)[:3])
            hint = f" (did you mean {near}?)" if near else ""
            raise TutorError(f"unknown topic {topic!r}{hint}: use an id or a title from 'tutor topics'")
        targets = [node, *self.tree.descendants(node)]
        return self.store.set_states(learner, targets, state, "learner")

    # --- placement --------------------------------------------------------------

    def placement(self, learner: str) -> Placement:
        """The placement quiz, over the units the learner's goal needs (all units without a goal)."""
        targets = self.goal_targets(learner)
        return Placement(self.curriculum, self.curriculum.closure(set(targets)) if targets else None)

    def placement_item(self, unit_id: str) -> Item:
        """The question placement asks about a unit: its card's first self-check."""
        items = [i for i in self.bank.by_topic.get(unit_id, []) if i.source == "card"]
        return (items or self.bank.under(unit_id))[0]

    def confirm_placement(self, learner: str, units: list[str]) -> int:
        """Mark the confirmed units, and every topic under them, done."""
        targets = [n for unit in units for n in (unit, *self.tree.descendants(unit))]
        return self.store.set_states(learner, targets, "done", "placement")

    def placed(self, unit_id: str, correct: bool) -> Placed:
        return Placed(unit_id, correct)


def _round_robin(items: list[Item]) -> list[Item]:
    """One item per topic in turn, so a quiz of five spans five topics when it can."""
    by_topic: dict[str, list[Item]] = {}
    for item in items:
        by_topic.setdefault(item.topic_id, []).append(item)
    queues = list(by_topic.values())
    ordered: list[Item] = []
    while queues:
        ordered += [q.pop(0) for q in queues]
        queues = [q for q in queues if q]
    return ordered


def reviews_by_week(due: list[DueItem], starts: list[date]) -> dict[int, list[DueItem]]:
    """The learner's due items laid into a plan's weeks: each in the week it falls due (overdue
    ones in the first), none after the plan's last week."""
    weeks: dict[int, list[DueItem]] = {}
    for item in sorted(due, key=lambda d: d.due):
        day = item.due.date()
        week = max((n for n, start in enumerate(starts, start=1) if start <= day), default=1)
        if day < starts[-1] + timedelta(days=7):
            weeks.setdefault(week, []).append(item)
    return weeks
