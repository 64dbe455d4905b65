"""How a suite reports progress: a callable that wraps its cases (a tqdm bar, Gradio's bar, or nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Progress = Callable[[Iterable, str], Iterable]


def no_progress(items: Iterable, _desc: str) -> Iterable:
    return items
