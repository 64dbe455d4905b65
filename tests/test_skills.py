"""app/plan/skills.py: the skill tree of the real roadmap and of small synthetic ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.plan.skills import SkillTree, bare, slug

OVERVIEW = "Essential skills for an AI engineer"
KL = "mathematics-and-statistics/information-theory/kl-divergence"
INFORMATION_THEORY = "mathematics-and-statistics/information-theory"
AREAS = [
    ("programming-and-software-engineering", ("1 Programming and Software Engineering",)),
    ("mathematics-and-statistics", ("2 Mathematics and Statistics",)),
    ("machine-learning-and-deep-learning", ("Machine Learning and Deep Learning",)),
    ("data-engineering", ("Data Engineering",)),
    ("cloud-computing-and-mlops", ("Cloud Computing and MLOps",)),
    ("model-deployment-and-optimization", (OVERVIEW, "6. Model Deployment and Optimization")),
    ("domain-knowledge", (OVERVIEW, "7. Domain Knowledge")),
    ("soft-skills", (OVERVIEW, "8. Soft Skills")),
]
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The same small roadmap twice: sections, subsections and overview items reordered and renumbered.
ROADMAP = """\
# Roadmap

1. [Basics](#basics)
   - **Python**: a language.

2. **Soft Skills**
   - **Talking**: to people.

# Basics

## **1. Python**
- **Syntax**: variables and loops.

## **2. Version Control**
### **Git**
- **Branches**: parallel work.
### **Reviews**
- Pull requests.
"""
REORDERED = """\
# Roadmap

1. **Soft Skills**
   - **Talking**: to people.

2. [Basics](#basics)
   - **Python**: a language.

# Basics

## **1. Version Control**
### **Reviews**
- Pull requests.
### **Git**
- **Branches**: parallel work.

## **2. Python**
- **Syntax**: variables and loops.
"""


@pytest.fixture(scope="module")
def tree(real_roadmap: Path) -> SkillTree:
    return SkillTree.from_file(real_roadmap)


def test_bare_and_slug_drop_list_numbers() -> None:
    assert bare("8. Information Theory") == "Information Theory"
    assert bare("1 Programming and Software Engineering") == "Programming and Software Engineering"
    assert slug("10. Containerization and CI/CD") == "containerization-and-ci-cd"
    assert slug("Data Lakes & Warehouses") == "data-lakes-and-warehouses"
    assert slug("C++") == "cpp"
    assert slug("C#") == "csharp"


def test_ids_are_stable_slugs_without_list_numbers(tree: SkillTree) -> None:
    node = tree[KL]
    assert (node.title, node.kind, node.parent) == ("KL Divergence", "topic", INFORMATION_THEORY)
    assert node.path == ("2 Mathematics and Statistics", "8. Information Theory", "KL Divergence")
    assert KL in tree[INFORMATION_THEORY].children
    for node_id, node in tree.nodes.items():
        assert node.id == node_id
        segments = node_id.split("/")
        assert all(SLUG.fullmatch(s) for s in segments), node_id
        assert not any(re.match(r"\d+-", s) for s in segments), node_id  # no "8-information-theory"
        if node.parent is not None:
            assert node_id.startswith(node.parent + "/")
            assert node_id in tree[node.parent].children


def test_ids_survive_reordering_and_renumbering() -> None:
    first = SkillTree.from_markdown(ROADMAP, "roadmap")
    second = SkillTree.from_markdown(REORDERED, "roadmap")

    def shape(tree: SkillTree) -> dict[str, tuple[str, str, str | None, bool]]:
        return {n.id: (n.kind, n.title, n.parent, n.unit) for n in tree.nodes.values()}

    assert shape(first) == shape(second)
    assert {"basics/python", "basics/python/syntax", "basics/version-control/git/branches"} <= set(
        first.nodes
    )
    assert {u.id for u in first.units} == {
        "basics/python",
        "basics/version-control/git",
        "basics/version-control/reviews",
        "soft-skills",
    }
    # The paths did change: only the ids are stable.
    assert first["basics/python"].path == ("Basics", "1. Python")
    assert second["basics/python"].path == ("Basics", "2. Python")


def test_headings_that_differ_only_by_number_get_distinct_ids() -> None:
    markdown = "# Roadmap\n\n1. [Area](#area)\n\n# Area\n## 1. Tools\n- a\n## 2. Tools\n- b\n"
    tree = SkillTree.from_markdown(markdown, "roadmap")
    assert [(u.id, u.path) for u in tree.units] == [
        ("area/tools", ("Area", "1. Tools")),
        ("area/tools-2", ("Area", "2. Tools")),
    ]


def test_the_eight_overview_areas(tree: SkillTree) -> None:
    areas = [n for n in tree.nodes.values() if n.kind == "area"]
    assert [(a.id, a.path) for a in areas] == AREAS
    for area in areas[:5]:  # linked to their detailed part: one node, with sections under it
        assert area.unit is False
        assert area.path[0] != OVERVIEW
        assert tree.nodes[area.children[0]].kind == "section"
    for area in areas[5:]:  # overview-only: a unit of its own
        assert area.unit is True
        assert area.path[0] == OVERVIEW
        assert all(tree[c].kind == "topic" for c in area.children)
    # The overview's items 1-5 left no node of their own behind.
    overview = [n.id for n in tree.nodes.values() if n.path[0] == OVERVIEW and n.kind != "topic"]
    assert overview == [a[0] for a in AREAS[5:]]
    assert tree["model-deployment-and-optimization/performance-tuning"].kind == "topic"


def test_the_real_roadmap_has_115_units(tree: SkillTree) -> None:
    units = tree.units
    assert len(units) == 115
    assert len({u.id for u in units}) == 115
    assert {u.kind for u in units} == {"area", "section", "subsection"}
    # A section with subsections is not a unit itself: its subsections are.
    assert tree["mathematics-and-statistics/calculus"].unit is False
    assert tree["mathematics-and-statistics/calculus/differential-calculus"].unit is True
    assert tree[INFORMATION_THEORY].unit is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KL, KL),
        ("information theory", INFORMATION_THEORY),
        ("8. Information Theory", INFORMATION_THEORY),
        ("  INFORMATION THEORY  ", INFORMATION_THEORY),
        ("kl divergence", KL),
        ("Statistics", "mathematics-and-statistics/statistics"),  # the section, not a bullet of that name
        ("7. Domain Knowledge", "domain-knowledge"),
        ("Programming and Software Engineering", "programming-and-software-engineering"),
        ("Python", "programming-and-software-engineering/programming-languages/core-languages/python"),
        ("Underwater basket weaving", None),
        ("mathematics-and-statistics/no-such-thing", None),
    ],
)
def test_find(tree: SkillTree, text: str, expected: str | None) -> None:
    assert tree.find(text) == expected


def test_unit_of(tree: SkillTree) -> None:
    maths = [u.id for u in tree.units if u.id.startswith("mathematics-and-statistics/")]
    assert len(maths) == 18
    assert tree.unit_of("mathematics-and-statistics") == maths
    assert tree.unit_of("mathematics-and-statistics/calculus") == [
        "mathematics-and-statistics/calculus/differential-calculus",
        "mathematics-and-statistics/calculus/integral-calculus",
    ]
    assert tree.unit_of(INFORMATION_THEORY) == [INFORMATION_THEORY]
    assert tree.unit_of(KL) == [INFORMATION_THEORY]
    assert tree.unit_of("domain-knowledge") == ["domain-knowledge"]
    python = "programming-and-software-engineering/programming-languages/core-languages/python"
    assert tree.unit_of(python) == [
        "programming-and-software-engineering/programming-languages/core-languages"
    ]
