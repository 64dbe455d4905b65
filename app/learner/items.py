"""Quiz items: the self-check questions of the knowledge cards and topic entries, with their keys.

Keys come from the shipped data, written and checked by hand; no model ever
writes one. A card's checks belong to its unit (a roadmap section), an
entry's to its roadmap topic. An item's id is a hash of where it comes from
and its question, so it survives reordering of the files.

Multiple-choice variants take their distractors from sibling topics' keys
(other topics of the same unit, else of the same area, else of the roadmap), never from the
item's own topic, and never one that reads like the key. A yes/no question
gets the choices Yes and No.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from app.plan.notes import load_card_questions
from app.plan.skills import SkillTree
from ingest.entries import load_entries

CHOICES = 4
# Former id → id, for items whose question text changed (learner exports made before keep working;
# the store's rows moved in migration 0003).
RENAMED = {"efa17e9dae8": "eba85480145"}  # the underscores of "train_test_split" were lost
_WORDS = re.compile(r"[a-z0-9]+")
_YES_NO = re.compile(r"^\s*(yes|no)\b", re.IGNORECASE)
SIMILAR_KEYS = 0.5  # word overlap (Jaccard) at which a sibling's key could pass for this one


@dataclass(frozen=True)
class Item:
    """One self-check question. `topic_id` is a skill-tree node: a unit (cards) or a topic (entries)."""

    id: str
    topic_id: str
    unit_id: str
    question: str
    key: str
    source: str  # "card" | "entry"
    path: tuple[str, ...]  # the card's or the entry's heading path

    @property
    def yes_no(self) -> bool:
        return bool(_YES_NO.match(self.key))

    def public(self, choices: list[str] | None = None) -> dict:
        """What a learner may see before answering: never the key."""
        shown = {"id": self.id, "topic_id": self.topic_id, "question": self.question}
        if choices:
            shown["choices"] = choices
        return shown


def item_id(source: str, path: Iterable[str], question: str) -> str:
    digest = hashlib.sha1(f"{source}|{' > '.join(path)}|{question}".encode()).hexdigest()
    return f"{source[0]}{digest[:10]}"


def current_id(item_id: str) -> str:
    """The id an item has now (the same unless its question text changed, see RENAMED)."""
    return RENAMED.get(item_id, item_id)


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def _similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return not (wa | wb) or len(wa & wb) / len(wa | wb) >= SIMILAR_KEYS


class ItemBank:
    """Every quiz item, by id and by topic, over one skill tree."""

    def __init__(self, tree: SkillTree, items: list[Item]) -> None:
        self.tree = tree
        self.items = items
        self.by_id = {item.id: item for item in items}
        self.by_topic: dict[str, list[Item]] = {}
        for item in items:
            self.by_topic.setdefault(item.topic_id, []).append(item)

    @classmethod
    def load(cls, tree: SkillTree, cards_dir: Path, topics_dir: Path) -> ItemBank:
        """Items of the cards in `cards_dir` and the entries in `topics_dir` that the tree knows."""
        by_path = {node.path: node for node in tree.nodes.values()}
        items: list[Item] = []
        for path, checks in load_card_questions(cards_dir).items():
            node = by_path.get(path)
            if node is None or not node.unit:
                continue
            items += [Item(item_id("card", path, q), node.id, node.id, q, a, "card", path) for q, a in checks]
        for entry in load_entries(topics_dir):
            node = by_path.get(entry.topic_path)
            if node is None or node.kind != "topic" or not entry.checks:
                continue
            unit = node.parent or node.id
            items += [
                Item(item_id("entry", entry.path, q), node.id, unit, q, a, "entry", entry.path)
                for q, a in entry.checks
            ]
        unique = {item.id: item for item in items}  # a question asked twice in one place counts once
        return cls(tree, list(unique.values()))

    def get(self, item_id: str) -> Item | None:
        return self.by_id.get(current_id(item_id))

    def under(self, node_id: str) -> list[Item]:
        """Items of a node and everything below it, in roadmap order."""
        found = list(self.by_topic.get(node_id, []))
        for below in self.tree.descendants(node_id):
            found += self.by_topic.get(below, [])
        return found

    @cached_property
    def _area_of(self) -> dict[str, str]:
        areas: dict[str, str] = {}
        for node in self.tree.nodes.values():
            top = node
            while top.parent is not None:
                top = self.tree[top.parent]
            areas[node.id] = top.id
        return areas

    def area_of(self, node_id: str) -> str:
        return self._area_of[node_id]

    def choices(self, item: Item) -> list[str]:
        """The multiple-choice variant: the key and three sibling topics' keys, in a fixed shuffled order.

        The order depends only on the item, so the server can grade a choice
        without remembering what it showed.
        """
        if item.yes_no:
            return ["Yes", "No"]
        rng = random.Random(item.id)
        picked: list[str] = []
        # No key of the item's own topic, even where another topic's card repeats it word for
        # word ("MSE, because it squares errors.").
        own = {other.key for other in self.under(item.unit_id) if other.topic_id == item.topic_id}
        for scope in (self.under(item.unit_id), self.under(self.area_of(item.unit_id)), self.items):
            pool = [
                other.key
                for other in scope
                if other.key not in own and not other.yes_no and other.key not in picked
            ]
            # Keys of a similar length look alike, so length cannot give the answer away.
            pool.sort(key=lambda key: (abs(len(key) - len(item.key)), rng.random()))
            for key in pool:
                if len(picked) == CHOICES - 1:
                    break
                if not _similar(key, item.key) and not any(_similar(key, p) for p in picked):
                    picked.append(key)
            if len(picked) == CHOICES - 1:
                break
        options = [item.key, *picked]
        rng.shuffle(options)
        return options

    def correct_choice(self, item: Item) -> str:
        """The choice that is right: the key, or Yes/No for a yes/no question."""
        match = _YES_NO.match(item.key)
        return match.group(1).capitalize() if match else item.key
