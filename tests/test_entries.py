"""ingest/entries.py and seeds/topics: an entry for every leaf topic of the roadmap, in the expected shape."""

from __future__ import annotations

import pytest

from app.core.resources import seeds_dir
from app.plan.skills import SkillTree
from ingest.entries import EntryError, load_entries, parse_entries, roadmap_leaves, sentences
from ingest.markdown import parse_sections

SAMPLE = """# Topic entries: sample

Intro text is not an entry.

## 2 Maths > 8. Information Theory > KL Divergence > KL divergence

**Roadmap:** Kullback-Leibler divergence.

KL divergence measures how one distribution differs from another. KL divergence is never negative.

**Why an AI engineer needs it:** it appears in VAE losses.

**Example:** KL(P || Q) is zero when P equals Q.

**Common confusion:** KL divergence is not symmetric.

**Typical tools:** SciPy, PyTorch.

**Self-check:**
- Q: Is KL divergence symmetric? A: No.
- Q: When is it zero? A: When the two distributions are equal.

## 2 Maths > 8. Information Theory > Other > Nothing here

**Roadmap:** Something vague.

**No entry:** the roadmap line names no concept to explain.
"""


def test_an_entry_has_its_parts() -> None:
    entry, skipped = parse_entries(SAMPLE)
    assert entry.path == ("2 Maths", "8. Information Theory", "KL Divergence", "KL divergence")
    assert entry.topic_path == entry.path[:-1] and entry.name == "KL divergence"
    assert entry.roadmap == "Kullback-Leibler divergence."
    assert entry.what == (
        "KL divergence measures how one distribution differs from another.",
        "KL divergence is never negative.",
    )
    assert entry.why == "it appears in VAE losses." and entry.confusion.startswith("KL divergence is not")
    assert entry.tools == ("SciPy", "PyTorch")
    assert entry.checks == (
        ("Is KL divergence symmetric?", "No."),
        ("When is it zero?", "When the two distributions are equal."),
    )
    assert skipped.no_entry.startswith("the roadmap line names") and skipped.what == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## Not a path\n\n**Roadmap:** x\n", "is not a roadmap path"),
        ("## A > B\n\n**Invented:** x\n\n**Roadmap:** y\n", "unknown field 'Invented'"),
        ("## A > B\n\nText only.\n", "no \\*\\*Roadmap:\\*\\* line"),
    ],
)
def test_a_malformed_entry_is_an_error_naming_it(text: str, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        parse_entries(text, "sample.md")


def test_sentences_split_names_that_start_lower_case_but_not_abbreviations() -> None:
    assert sentences("grep prints lines. sed edits text, e.g. s/a/b/. awk splits fields.") == [
        "grep prints lines.",
        "sed edits text, e.g. s/a/b/.",
        "awk splits fields.",
    ]


@pytest.fixture(scope="module")
def shipped():
    return load_entries(seeds_dir() / "topics")


@pytest.fixture(scope="module")
def tree() -> SkillTree:
    return SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md")


def test_every_leaf_topic_has_an_entry_or_a_stated_reason(shipped, tree: SkillTree) -> None:
    roadmap = seeds_dir() / "ai-engineer-skills.md"
    leaves = roadmap_leaves(parse_sections(roadmap.read_text(encoding="utf-8"), roadmap.stem))
    topics = {n.path for n in tree.nodes.values() if n.kind == "topic"}
    explained = {(e.topic_path, e.roadmap) for e in shipped}
    missing = [
        (" > ".join(t), leaf) for t in sorted(topics) for leaf in leaves[t] if (t, leaf) not in explained
    ]
    assert missing == []
    assert sum(len(leaves[t]) for t in topics) >= 400  # the roadmap's leaves, not a handful


def test_every_entry_explains_a_topic_of_the_roadmap_in_its_shape(shipped, tree: SkillTree) -> None:
    topics = {n.path for n in tree.nodes.values() if n.kind == "topic"}
    assert [e.path for e in shipped if e.topic_path not in topics] == []
    explained = [e for e in shipped if not e.no_entry]
    assert len(explained) >= 500
    assert [e.path for e in explained if not 2 <= len(e.what) <= 3] == []
    assert [e.path for e in explained if not (e.why and e.example and e.confusion)] == []
    assert [e.path for e in explained if len(e.checks) < 2] == []
    assert len({e.path for e in shipped}) == len(shipped)  # one entry per name under a topic
