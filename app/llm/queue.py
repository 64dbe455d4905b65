"""First come, first served turns at a model that serves one generation at a time.

A llama.cpp context holds one generation's state: two at once would corrupt
each other. Each generation holds a turn for its whole length; the others wait
in arrival order and can tell how many requests are ahead of them, which the
chat shows ("Waiting for the model (2 ahead)…"). A waiter that goes away (the
learner closed the page) gives up its place.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Where a model's stream reports a wait: the response metadata of an empty chunk.
# A list, because LangChain concatenates the metadata of all chunks when it merges them.
WAITING_KEY = "model_queue_ahead"


class Turn:
    """One request's place in a `ModelQueue`."""

    def __init__(self, queue: ModelQueue) -> None:
        self._queue = queue

    @property
    def ahead(self) -> int:
        """How many requests are ahead of this one (the one being served included)."""
        with self._queue._changed:
            return self._queue._line.index(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until this request is first in line, or `timeout` seconds pass; True once it is."""
        with self._queue._changed:
            return self._queue._changed.wait_for(lambda: self._queue._line[0] is self, timeout)


class ModelQueue:
    """Turns at one model, in arrival order. Not tied to threads: a turn may end on another thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._line: list[Turn] = []

    @contextmanager
    def turn(self) -> Iterator[Turn]:
        """A place at the end of the line, given up on exit however the block ends."""
        turn = Turn(self)
        with self._changed:
            self._line.append(turn)
        try:
            yield turn
        finally:
            with self._changed:
                self._line.remove(turn)
                self._changed.notify_all()

    def __len__(self) -> int:
        """Requests in line, the one being served included."""
        with self._changed:
            return len(self._line)


def waiting_metadata(ahead: int) -> dict[str, Any]:
    """The response metadata of a stream chunk that says "still waiting, `ahead` in front"."""
    return {WAITING_KEY: [ahead]}


def ahead_in(metadata: dict[str, Any]) -> int | None:
    """How many are ahead, when a stream chunk reports a wait; None for an ordinary chunk."""
    value = metadata.get(WAITING_KEY)
    return value[-1] if value else None
