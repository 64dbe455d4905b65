"""Topic entries (seeds/topics/*.md): a short explanation of every leaf topic of the roadmap.

Each entry is a `## <roadmap topic path> > <entry name>` block with the leaf it
explains (`**Roadmap:**`), two or three sentences saying what it is, then why an
AI engineer needs it, an example, a common confusion, typical tools and
self-check questions with their keys. They are written and checked by hand;
the tutor composes answers from them, quizzes come from their self-checks, and
plans name their leaves week by week. A leaf that has no entry says why
(`**No entry:**`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.markdown import BREADCRUMB, Section, clean_heading, clean_inline

_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_FIELD = re.compile(r"^\*\*(?P<name>[^*]+?):\*\*\s*(?P<value>.*)$")
_CHECK = re.compile(r"^-\s*Q:\s*(?P<q>.+?)\s+A:\s*(?P<a>.+?)\s*$")
# A sentence ends at . ! ? and a space before a word (names may start lower case: "pylint",
# "k-NN", "dbt"), unless the dot ends an abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z0-9\"'(])")
_ABBREVIATION = re.compile(r"(\b(e\.g|i\.e|etc|vs|approx|cf|Dr|Mr|Ms|No)\.|\b[A-Z]\.)$")
FIELDS = {
    "Roadmap": "roadmap",
    "Why an AI engineer needs it": "why",
    "Example": "example",
    "Common confusion": "confusion",
    "Typical tools": "tools",
    "No entry": "no_entry",
}


@dataclass(frozen=True)
class Entry:
    """One topic entry. `path` is the roadmap topic's path followed by the entry's name."""

    path: tuple[str, ...]
    roadmap: str
    what: tuple[str, ...] = ()  # the plain sentences saying what it is
    why: str = ""
    example: str = ""
    confusion: str = ""
    tools: tuple[str, ...] = ()
    checks: tuple[tuple[str, str], ...] = field(default=())  # (question, key)
    no_entry: str = ""  # the reason, for a leaf without an entry

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def topic_path(self) -> tuple[str, ...]:
        """The roadmap topic (a bullet of a section) this entry explains part of."""
        return self.path[:-1]


class EntryError(ValueError):
    """A topic-entry file does not have the expected shape: a bug in the data."""


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph of entry prose."""
    found: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if found and _ABBREVIATION.search(found[-1]):
            found[-1] += " " + piece
        elif piece.strip():
            found.append(piece.strip())
    return found


def parse_entries(markdown: str, source: str = "entries") -> list[Entry]:
    """Every `## A > B > C > Name` block of one file, in order."""
    entries = []
    headings = list(_HEADING.finditer(markdown))
    for n, heading in enumerate(headings):
        if BREADCRUMB not in heading.group(1):
            raise EntryError(f"{source}: heading {heading.group(1)!r} is not a roadmap path")
        end = headings[n + 1].start() if n + 1 < len(headings) else len(markdown)
        path = tuple(clean_heading(p) for p in heading.group(1).split(BREADCRUMB))
        entries.append(_entry(path, markdown[heading.end() : end], source))
    return entries


def load_entries(folder: Path) -> list[Entry]:
    """All entries of the `*.md` files in `folder` (none when it does not exist)."""
    if not folder.is_dir():
        return []
    found: list[Entry] = []
    for path in sorted(folder.glob("*.md")):
        found += parse_entries(path.read_text(encoding="utf-8"), path.name)
    return found


def _entry(path: tuple[str, ...], body: str, source: str) -> Entry:
    values: dict[str, object] = {}
    what: list[str] = []
    checks: list[tuple[str, str]] = []
    for line in (raw.strip() for raw in body.splitlines()):
        if not line or line == "**Self-check:**":
            continue
        if match := _FIELD.match(line):
            key = FIELDS.get(match["name"])
            if key is None:
                raise EntryError(f"{source}: {' > '.join(path)}: unknown field {match['name']!r}")
            values[key] = clean_inline(match["value"]).strip()
        elif match := _CHECK.match(line):
            checks.append((clean_inline(match["q"]), clean_inline(match["a"])))
        elif "why" not in values and "no_entry" not in values:
            what += sentences(clean_inline(line))
    if "roadmap" not in values:
        raise EntryError(f"{source}: {' > '.join(path)}: no **Roadmap:** line")
    tools = tuple(t.strip(" .") for t in str(values.pop("tools", "")).split(",") if t.strip(" ."))
    return Entry(path, what=tuple(what), tools=tools, checks=tuple(checks), **values)  # type: ignore[arg-type]


_TOPIC = re.compile(r"^[-*+]\s+(?P<label>[^:]+?)(?::\s*(?P<rest>.*))?$")
_SUB = re.compile(r"^\s{2,}[-*+]\s+(?P<text>.+)$")


def roadmap_leaves(sections: list[Section]) -> dict[tuple[str, ...], list[str]]:
    """Every leaf of the roadmap by topic path: a topic bullet's sub-bullets, or the bullet itself.

    A leaf's text is what an entry quotes on its `**Roadmap:**` line: the
    sub-bullet as written, or the topic line without its list marker.
    """
    found: dict[tuple[str, ...], list[str]] = {}
    for section in sections:
        topic: tuple[str, ...] | None = None
        for line in section.text.splitlines():
            if line[:1] not in " \t" and (match := _TOPIC.match(line.strip())):
                topic = (*section.path, clean_heading(match["label"]).rstrip("."))
                found[topic] = [clean_inline(line.strip()[2:]).strip()]
                subs_seen = False
            elif topic is not None and (match := _SUB.match(line)):
                if not subs_seen:
                    found[topic], subs_seen = [], True
                found[topic].append(clean_inline(match["text"]).strip())
    return found
