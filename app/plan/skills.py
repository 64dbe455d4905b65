"""The skill tree: every area, section, subsection and bullet topic of the roadmap, with stable ids.

Ids come from the heading path with list numbers dropped
(`mathematics-and-statistics/information-theory/kl-divergence`), so they
survive re-ingest and reordering. The overview at the top names eight areas:
the first five are the detailed `#` parts of the roadmap and are linked to
them (one node, the detailed heading's path); areas 6–8 exist only in the
overview and become areas of their own, under the overview's path.

*Units* are the nodes a study plan schedules: every section or subsection that
has text of its own, and the overview-only areas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.markdown import Section, clean_heading, parse_sections

_NUMBER = re.compile(r"^\d+[.)]?\s+")
_LABEL = re.compile(r"^[-*+]\s+(?P<label>[^:]+?)(?::\s*(?P<rest>.*))?$")


@dataclass
class Node:
    """One node of the skill tree."""

    id: str
    title: str
    path: tuple[str, ...]
    kind: str  # "area" | "section" | "subsection" | "topic"
    parent: str | None
    children: list[str] = field(default_factory=list)
    unit: bool = False  # scheduled by the planner


def bare(title: str) -> str:
    """A heading without its list number: "8. Information Theory" → "Information Theory"."""
    return _NUMBER.sub("", title).strip()


def slug(title: str) -> str:
    text = bare(title).lower().replace("&", " and ").replace("+", "p").replace("#", "sharp")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "untitled"


class SkillTree:
    """The roadmap as a tree of nodes, addressable by id."""

    def __init__(self, nodes: dict[str, Node]) -> None:
        self.nodes = nodes
        self._shared: set[str] | None = None  # unit titles used more than once, on first `label`

    @classmethod
    def from_markdown(cls, markdown: str, title: str) -> SkillTree:
        return _build(parse_sections(markdown, title))

    @classmethod
    def from_file(cls, path: Path) -> SkillTree:
        return cls.from_markdown(path.read_text(encoding="utf-8"), path.stem)

    def __getitem__(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    @property
    def units(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.unit]

    def unit_of(self, node_id: str) -> list[str]:
        """The units a node stands for: itself, its descendants that are units, or its unit ancestor."""
        node = self.nodes[node_id]
        if node.unit:
            return [node.id]
        below = [d for d in self.descendants(node_id) if self.nodes[d].unit]
        if below:
            return below
        parent = node.parent
        while parent is not None:
            if self.nodes[parent].unit:
                return [parent]
            parent = self.nodes[parent].parent
        return []

    def label(self, node_id: str) -> str:
        """A unit's or area's title, with its parent's when other units share it.

        "Core Concepts" alone names eight units; "Probability Theory › Core Concepts" names one.
        """
        if self._shared is None:
            titles = [n.title.casefold() for n in self.nodes.values() if n.unit or n.kind == "area"]
            self._shared = {t for t in titles if titles.count(t) > 1}
        node = self.nodes[node_id]
        if node.title.casefold() in self._shared and node.parent is not None:
            return f"{self.nodes[node.parent].title} › {node.title}"
        return node.title

    def breadcrumb(self, node_id: str) -> str:
        """Every title from the area down: "Cloud Computing and MLOps › … › Kubernetes"."""
        titles, node = [], self.nodes[node_id]
        while True:
            titles.append(node.title)
            if node.parent is None:
                break
            node = self.nodes[node.parent]
        return " › ".join(reversed(titles))

    def descendants(self, node_id: str) -> list[str]:
        found: list[str] = []
        stack = list(reversed(self.nodes[node_id].children))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.nodes[current].children))
        return found

    def find(self, text: str) -> str | None:
        """A node id from an id or a title (case-insensitive, list numbers ignored)."""
        if text in self.nodes:
            return text
        wanted = bare(text).casefold()
        matches = [n for n in self.nodes.values() if bare(n.title).casefold() == wanted]
        # Prefer the broadest match: "Statistics" is the section before any bullet of that name.
        order = {"area": 0, "section": 1, "subsection": 2, "topic": 3}
        position = {node_id: i for i, node_id in enumerate(self.nodes)}
        matches.sort(key=lambda n: (order[n.kind], position[n.id]))
        return matches[0].id if matches else None


def _build(sections: list[Section]) -> SkillTree:
    nodes: dict[str, Node] = {}
    by_path: dict[tuple[str, ...], str] = {}
    document_title = sections[0].path[0] if sections else ""
    detailed_areas = {bare(s.path[0]).casefold(): s.path[0] for s in sections if s.path[0] != document_title}

    def add(path: tuple[str, ...], kind: str, parent: str | None, title: str, key: str) -> str:
        if path in by_path:
            return by_path[path]
        base = f"{nodes[parent].id}/{key}" if parent else key
        node_id, n = base, 2
        while node_id in nodes:  # duplicate headings: keep ids unique and deterministic
            node_id, n = f"{base}-{n}", n + 1
        nodes[node_id] = Node(node_id, title, path, kind, parent)
        if parent:
            nodes[parent].children.append(node_id)
        by_path[path] = node_id
        return node_id

    for section in sections:
        path = section.path
        if path[0] == document_title and len(path) == 2:
            # An overview area: linked to its detailed part when there is one.
            detailed = detailed_areas.get(bare(path[1]).casefold())
            if detailed:
                add((detailed,), "area", None, bare(detailed), slug(detailed))
                continue
            area = add(path, "area", None, bare(path[1]), slug(path[1]))
        else:
            area = add(path[:1], "area", None, bare(path[0]), slug(path[0]))
            parent = area
            for depth in range(1, len(path)):
                kind = "section" if depth == 1 else "subsection"
                parent = add(path[: depth + 1], kind, parent, bare(path[depth]), slug(path[depth]))
            area = parent
        nodes[area].unit = True
        for label in _topic_labels(section.text):
            add((*path, label), "topic", area, label, slug(label))
            by_path.pop((*path, label))  # topics are not headings: no path lookup for them
    return SkillTree(nodes)


def _topic_labels(text: str) -> list[str]:
    """The top-level bullets of a section body, as topic titles ("Python", "KL Divergence")."""
    labels = []
    for line in text.splitlines():
        if line[:1] in " \t":
            continue
        match = _LABEL.match(line.strip())
        if match:
            labels.append(clean_heading(match.group("label")).rstrip("."))
    return labels
