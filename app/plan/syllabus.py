"""What each unit covers, piece by piece: the named sub-topics a week lists, with hours and self-checks.

A unit's hours (seeds/curriculum.yaml) are shared out over its roadmap topics
(the bullets of its section) and, inside each topic, over its topic entries
(seeds/topics): one *piece* per entry, all pieces of a unit the same size. So a
25-hour unit becomes a dozen named pieces of about two hours ("Vectors and
Matrices: Matrix multiplication") that weeks can name and check. A topic with
no entries is one piece named after the topic; a unit with no bullets is one
piece named after the unit. Hours are tenths, and the pieces of a unit add up
to exactly its hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.plan.skills import SkillTree
    from ingest.entries import Entry


@dataclass(frozen=True)
class Piece:
    """One named sub-topic of a unit: the smallest thing a week lists."""

    unit: str
    topic: str  # the roadmap topic's node id (the unit's id for a unit without bullets)
    name: str  # the topic entry's name, else the topic's title
    tenths: int
    checks: tuple[tuple[str, str], ...] = ()  # (question, key) from the topic entry

    def sized(self, tenths: int) -> Piece:
        return replace(self, tenths=tenths)


class Syllabus:
    """Every unit's pieces, in roadmap order."""

    def __init__(self, pieces: dict[str, tuple[Piece, ...]]) -> None:
        self._pieces = pieces

    @classmethod
    def build(cls, tree: SkillTree, hours: dict[str, float], entries: Iterable[Entry] = ()) -> Syllabus:
        """Split each unit's hours over its topics' entries (or its topics, or itself)."""
        by_topic: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for entry in entries:
            by_topic[entry.topic_path].append(entry)
        pieces: dict[str, tuple[Piece, ...]] = {}
        for unit in tree.units:
            named: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
            for topic in (tree[c] for c in unit.children if tree[c].kind == "topic"):
                found = by_topic.get(topic.path, [])
                named += [(topic.id, e.name, e.checks) for e in found] or [(topic.id, topic.title, ())]
            named = named or [(unit.id, unit.title, ())]
            sizes = split(int(round(hours[unit.id] * 10)), [1] * len(named))
            pieces[unit.id] = tuple(
                Piece(unit.id, topic, name, size, checks)
                for (topic, name, checks), size in zip(named, sizes, strict=True)
            )
        return cls(pieces)

    def pieces(self, unit: str) -> tuple[Piece, ...]:
        return self._pieces[unit]

    def topics(self, unit: str) -> list[str]:
        """The unit's topic ids in roadmap order (its own id when it has no bullets)."""
        return list(dict.fromkeys(p.topic for p in self._pieces[unit]))

    def tenths(self, unit: str, topics: Iterable[str] | None = None) -> int:
        """The unit's tenths, or those of the named topics only."""
        wanted = None if topics is None else set(topics)
        return sum(p.tenths for p in self._pieces[unit] if wanted is None or p.topic in wanted)


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared out in proportion to `weights`, in integers that add up exactly.

    Largest remainders get the leftover units, earlier parts first on ties, so
    the split is deterministic.
    """
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
