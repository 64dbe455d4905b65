"""Where an answer sits in the roadmap: its closing line, with the curriculum around it.

The line is curriculum data, not an explanation: the path of the answer's topic (below an area,
without the area's name, which the citation holds), one unit it builds on and one it leads to.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A section's (or topic's) path → titles of the units it builds on, and of those it leads to.
Neighbours = Callable[[tuple[str, ...]], tuple[list[str], list[str]]]
WHERE = "In the roadmap:"  # opens the closing line: curriculum data, not an explanation
NEIGHBOURS = 1  # units named before and after the answer's (two each, and the area, took 10 words of 120)


def where_line(path: tuple[str, ...], neighbours: Neighbours) -> str:
    """Where the answer sits in the roadmap, and the curriculum around it (no marker: added later).

    `path` is a section's or a topic's; the curriculum around it is the section's. Below an area,
    the area's name is left out (the citation holds the whole path): the explanation needs the words."""
    shown = path[1:] if len(path) >= 3 else path  # "Calculus › Differential Calculus › Optimization"
    text = WHERE + " " + " › ".join(bare(p) for p in shown)
    before, after = neighbours(path)
    if before:
        text += ". Builds on " + series(before, NEIGHBOURS)
    if after:
        text += ". Leads to " + series(after, NEIGHBOURS)
    return text + "."


def bare(title: str) -> str:
    """A heading without its list number: "8. Information Theory" → "Information Theory"."""
    return re.sub(r"^\d+[.)]?\s+", "", title)


def without_where(text: str) -> str:
    """An answer without its closing "In the roadmap: …" line (for scoring the explanation alone)."""
    return " ".join(
        re.sub(re.escape(WHERE) + r".*?\[\d+\][.!?]?", "", text, count=1, flags=re.DOTALL).split()
    )


def series(titles: list[str], most: int = 2) -> str:
    """ "A", "A and B", "A, B and C": at most `most` titles."""
    titles = titles[:most]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
