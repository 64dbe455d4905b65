"""Progress: each roadmap topic's state and mastery, rolled up to units and areas.

A topic's *state* is what the learner (or a quiz, or placement) set: not
started, learning, done or skipped. Its *mastery* (0-1) comes from the review
cards of its quiz items: an item counts FSRS's probability of recall now when
its last answer was right and 0 when wrong, and the sum is divided by the
items answered, but by at least two (or all the topic has, if fewer), so one
lucky answer is not mastery. A unit's mastery also counts its card's items.
An area's progress is the share of its topics done, skipped ones left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from app.learner import review
from app.learner.items import Item, ItemBank
from app.learner.store import CardRow

MASTERED = 0.8  # mastery at which a topic counts as known for "what next" and quizzes mark it done
EVIDENCE = 2  # answered items needed before mastery can be full


@dataclass(frozen=True)
class NodeProgress:
    id: str
    title: str
    state: str
    mastery: float
    due: datetime | None  # the earliest due review of its items

    def to_json(self) -> dict:
        data = asdict(self)
        data["mastery"] = round(self.mastery, 3)
        data["due"] = self.due.date().isoformat() if self.due else None
        return data


@dataclass(frozen=True)
class AreaProgress:
    id: str
    title: str
    topics: int
    done: int
    learning: int
    skipped: int
    mastery: float

    @property
    def percent(self) -> float:
        counted = self.topics - self.skipped
        return 100.0 * self.done / counted if counted else 100.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["mastery"] = round(self.mastery, 3)
        data["percent"] = round(self.percent, 1)
        return data


@dataclass(frozen=True)
class Progress:
    topics: list[NodeProgress]
    units: list[NodeProgress]
    areas: list[AreaProgress]

    def unit(self, unit_id: str) -> NodeProgress | None:
        return next((u for u in self.units if u.id == unit_id), None)


def mastery(items: Sequence[Item], cards: dict[str, CardRow], now: datetime) -> float:
    """The mastery of a set of items (see the module's docstring)."""
    answered = [cards[i.id] for i in items if i.id in cards]
    if not answered:
        return 0.0
    earned = sum(review.recall(c.card, now) for c in answered if c.last_correct)
    return earned / max(len(answered), min(len(items), EVIDENCE))


def _due(items: Iterable[Item], cards: dict[str, CardRow]) -> datetime | None:
    dues = [review.utc(cards[i.id].card.due) for i in items if i.id in cards]
    return min(dues) if dues else None


def unit_state(topic_states: Sequence[str]) -> str:
    """A unit's state from its topics': done when all are done or skipped (one done at least)."""
    if not topic_states:
        return "not_started"
    if all(s == "skipped" for s in topic_states):
        return "skipped"
    if all(s in ("done", "skipped") for s in topic_states):
        return "done"
    if any(s in ("learning", "done") for s in topic_states):
        return "learning"
    return "not_started"


def compute(bank: ItemBank, states: dict[str, str], cards: Sequence[CardRow], now: datetime) -> Progress:
    """The learner's progress over the whole roadmap."""
    tree = bank.tree
    by_item = {c.item_id: c for c in cards}
    topics: list[NodeProgress] = []
    units: list[NodeProgress] = []
    for unit in tree.units:
        unit_topics = [tree[c] for c in unit.children if tree[c].kind == "topic"]
        rows = []
        for topic in unit_topics:
            items = bank.by_topic.get(topic.id, [])
            rows.append(
                NodeProgress(
                    topic.id,
                    topic.title,
                    states.get(topic.id, "not_started"),
                    mastery(items, by_item, now),
                    _due(items, by_item),
                )
            )
        topics += rows
        items = bank.by_topic.get(unit.id, []) + [i for t in unit_topics for i in bank.by_topic.get(t.id, [])]
        state = states.get(unit.id) or unit_state([r.state for r in rows])
        units.append(
            NodeProgress(unit.id, unit.title, state, mastery(items, by_item, now), _due(items, by_item))
        )
    areas = []
    for area in (n for n in tree.nodes.values() if n.kind == "area"):
        inside = set(tree.descendants(area.id)) | {area.id}
        mine = [t for t in topics if t.id in inside]
        unit_rows = [u for u in units if u.id in inside]
        areas.append(
            AreaProgress(
                area.id,
                area.title,
                len(mine),
                sum(t.state == "done" for t in mine),
                sum(t.state == "learning" for t in mine),
                sum(t.state == "skipped" for t in mine),
                sum(u.mastery for u in unit_rows) / len(unit_rows) if unit_rows else 0.0,
            )
        )
    return Progress(topics, units, areas)
