"""app/plan/curriculum.py: the shipped curriculum data, and what a broken data file is told."""

from __future__ import annotations

from graphlib import TopologicalSorter
from pathlib import Path

import pytest

from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum, CurriculumError
from app.plan.skills import SkillTree

DL_CORE = "machine-learning-and-deep-learning/deep-learning-fundamentals/core-concepts"
LINEAR_ALGEBRA = "mathematics-and-statistics/linear-algebra/core-concepts"
DIFFERENTIAL = "mathematics-and-statistics/calculus/differential-calculus"
INTEGRAL = "mathematics-and-statistics/calculus/integral-calculus"
CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"
TRACKS = {
    "llm-application-engineer",
    "ml-engineer",
    "data-scientist",
    "data-engineer",
    "mlops-engineer",
    "ai-generalist",
}

MINI = """\
# Roadmap

1. [Basics](#basics)

2. **Soft Skills**
   - **Talking**: to people.

# Basics

## **1. Python**
- **Syntax**: variables and loops.
- **Packaging**: modules and wheels.

## **2. Version Control**
### **Git**
- **Branches**: parallel work.
### **Reviews**
- Pull requests.
"""
HOURS = """\
hours:
  basics/python: 10
  basics/version-control/git: 4
  basics/version-control/reviews: 2
  soft-skills: 3
"""


@pytest.fixture(scope="module")
def curriculum(real_roadmap: Path) -> Curriculum:
    return Curriculum.load(SkillTree.from_file(real_roadmap))


@pytest.fixture(scope="module")
def mini_tree() -> SkillTree:
    return SkillTree.from_markdown(MINI, "roadmap")


def load(tree: SkillTree, tmp_path: Path, text: str) -> Curriculum:
    path = tmp_path / "curriculum.yaml"
    path.write_text(text, encoding="utf-8")
    return Curriculum.load(tree, path)


def test_the_shipped_file_is_the_default(curriculum: Curriculum) -> None:
    shipped = seeds_dir() / "curriculum.yaml"
    assert shipped.is_file()
    tree = curriculum.tree
    assert Curriculum.load(tree).hours == Curriculum.load(tree, shipped).hours


def test_hours_cover_exactly_the_units(curriculum: Curriculum) -> None:
    units = {u.id for u in curriculum.tree.units}
    assert len(units) == 115
    assert set(curriculum.hours) == units
    assert all(h > 0 for h in curriculum.hours.values())
    assert curriculum.hours[CORE_LANGUAGES] == 30.0
    assert curriculum.hours["mathematics-and-statistics/information-theory"] == 6.0


def test_prerequisites_form_a_dag_of_units(curriculum: Curriculum) -> None:
    units = {u.id for u in curriculum.tree.units}
    assert set(curriculum.prerequisites) == units
    edges = [(need, unit) for unit, needs in curriculum.prerequisites.items() for need in needs]
    assert {need for need, _ in edges} <= units
    assert len(edges) > 200  # the file's area and section ids expand to many unit edges
    order = list(TopologicalSorter(curriculum.prerequisites).static_order())  # CycleError if not a DAG
    assert sorted(order) == sorted(units)


def test_in_order_respects_every_edge(curriculum: Curriculum) -> None:
    units = {u.id for u in curriculum.tree.units}
    order = curriculum.in_order(units)
    assert sorted(order) == sorted(units)
    position = {u: i for i, u in enumerate(order)}
    for unit, needs in curriculum.prerequisites.items():
        for need in needs:
            assert position[need] < position[unit], f"{need} must come before {unit}"
    # Ties go to roadmap order: the first unit with nothing to learn first leads.
    assert order[0] == "domain-knowledge"
    assert order == curriculum.in_order(set(reversed(order)))


def test_in_order_of_a_subset_keeps_only_that_subset(curriculum: Curriculum) -> None:
    subset = curriculum.closure({DL_CORE}) - {CORE_LANGUAGES}
    order = curriculum.in_order(subset)
    assert set(order) == subset and len(order) == len(subset)
    position = {u: i for i, u in enumerate(order)}
    for unit in subset:
        for need in curriculum.prerequisites[unit] & subset:
            assert position[need] < position[unit]
    assert order[-1] == DL_CORE


def test_expected_prerequisites(curriculum: Curriculum) -> None:
    needs = curriculum.prerequisites[DL_CORE]
    assert {LINEAR_ALGEBRA, DIFFERENTIAL, INTEGRAL, CORE_LANGUAGES} <= needs
    assert "machine-learning-and-deep-learning/machine-learning-fundamentals/core-concepts" in needs
    assert curriculum.prerequisites[INTEGRAL] == {DIFFERENTIAL}
    assert curriculum.prerequisites[CORE_LANGUAGES] == set()
    # An area or section named as a prerequisite stands for every unit under it.
    kubernetes = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
    assert (
        "cloud-computing-and-mlops/containerization-and-orchestration/docker"
        in (curriculum.prerequisites[kubernetes])
    )


def test_closure_pulls_in_everything_needed(curriculum: Curriculum) -> None:
    closure = curriculum.closure({DL_CORE})
    assert {DL_CORE, LINEAR_ALGEBRA, DIFFERENTIAL, INTEGRAL, CORE_LANGUAGES} <= closure
    for unit in closure:
        assert curriculum.prerequisites[unit] <= closure
    assert "soft-skills" not in closure
    assert curriculum.closure({CORE_LANGUAGES}) == {CORE_LANGUAGES}


def test_which_of_two_paths_comes_first(curriculum: Curriculum) -> None:
    """ "Should I learn X or Y first?": the units at two paths (an entry's path reaches its unit)."""
    tree = curriculum.tree
    deep, languages, integral = (tree[u].path for u in (DL_CORE, CORE_LANGUAGES, INTEGRAL))
    deep_label, languages_label = tree.label(DL_CORE), tree.label(CORE_LANGUAGES)
    assert curriculum.learning_order(languages, (*deep, "ANNs", "Neural network")) == (
        languages_label,
        deep_label,
        1,  # deep learning builds on the core languages
    )
    assert curriculum.learning_order(deep, languages) == (deep_label, languages_label, -1)
    assert curriculum.learning_order(integral, languages)[2] == 0  # neither builds on the other
    assert curriculum.learning_order(deep, deep)[2] == 0
    assert curriculum.learning_order(("Nowhere",), deep) is None


def test_tracks_target_units(curriculum: Curriculum) -> None:
    units = {u.id for u in curriculum.tree.units}
    assert set(curriculum.tracks) == TRACKS
    for track_id, track in curriculum.tracks.items():
        assert track.id == track_id
        assert track.title and track.description
        assert track.targets, track_id
        assert set(track.targets) <= units, track_id
        assert len(set(track.targets)) == len(track.targets), track_id
    mlops = curriculum.tracks["mlops-engineer"]
    assert mlops.title == "MLOps engineer"
    assert mlops.targets[:4] == (
        "cloud-computing-and-mlops/mlops-fundamentals/core-concepts",
        "cloud-computing-and-mlops/containerization-and-orchestration/docker",
        "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes",
        "cloud-computing-and-mlops/containerization-and-orchestration/serverless-architectures",
    )


# --- synthetic data files -------------------------------------------------------------


ESSENTIALS = "essentials:\n  basics/python:\n    topics: [syntax]\n    share: 0.4\n    needs: []\n"


def test_a_valid_file_expands_sections_and_areas(mini_tree: SkillTree, tmp_path: Path) -> None:
    curriculum = load(
        mini_tree,
        tmp_path,
        HOURS
        + "prerequisites:\n  basics/version-control: [basics/python]\n"
        + "tracks:\n  starter:\n    title: Starter\n    targets: [basics]\n"
        + ESSENTIALS,
    )
    assert curriculum.hours == {
        "basics/python": 10.0,
        "basics/version-control/git": 4.0,
        "basics/version-control/reviews": 2.0,
        "soft-skills": 3.0,
    }
    assert curriculum.prerequisites == {
        "basics/python": set(),
        "basics/version-control/git": {"basics/python"},
        "basics/version-control/reviews": {"basics/python"},
        "soft-skills": set(),
    }
    track = curriculum.tracks["starter"]
    assert (track.title, track.description) == ("Starter", "")
    assert track.targets == ("basics/python", "basics/version-control/git", "basics/version-control/reviews")
    essentials = curriculum.essentials["basics/python"]
    assert (essentials.topics, essentials.share, essentials.needs) == (("basics/python/syntax",), 0.4, ())
    # No topic entries here: each bullet is one piece, the unit's hours split evenly.
    pieces = curriculum.syllabus.pieces("basics/python")
    assert [(p.topic, p.name, p.tenths) for p in pieces] == [
        ("basics/python/syntax", "Syntax", 50),
        ("basics/python/packaging", "Packaging", 50),
    ]
    # A unit without bullets is one piece, named after it.
    assert [p.name for p in curriculum.syllabus.pieces("basics/version-control/reviews")] == ["Pull requests"]


def test_a_track_naming_a_topic_targets_its_unit_for_that_topic(mini_tree: SkillTree, tmp_path: Path) -> None:
    """A data scientist needs SQL, not NoSQL stores: a track may name a topic of a unit."""
    tracks = "tracks:\n  t:\n    targets: [basics/python/packaging, basics/version-control/git]\n"
    track = load(mini_tree, tmp_path, HOURS + tracks + ESSENTIALS).tracks["t"]
    assert track.targets == ("basics/python", "basics/version-control/git")
    assert track.focus == ("basics/python/packaging",)


def test_a_topic_needs_only_what_its_unit_builds_on(mini_tree: SkillTree, tmp_path: Path) -> None:
    base = HOURS + "prerequisites:\n  basics/version-control: [basics/python]\n" + ESSENTIALS
    git = "basics/version-control/git"
    loaded = load(mini_tree, tmp_path, base + f"topic_prerequisites:\n  {git}/branches: []\n")
    assert loaded.topic_prerequisites == {f"{git}/branches": set()}
    assert loaded.prerequisites_of(git) == {"basics/python"}
    assert loaded.prerequisites_of(git, [f"{git}/branches"]) == set()
    for extra, problem in (
        (f"  {git}/branches: [soft-skills]", "'soft-skills' is not something"),
        (f"  {git}: []", f"{git!r} is not a topic"),
    ):
        with pytest.raises(CurriculumError, match=problem):
            load(mini_tree, tmp_path, base + "topic_prerequisites:\n" + extra + "\n")


@pytest.mark.parametrize(
    ("essentials", "problem"),
    [
        ("", "essentials: none for 'basics/python', a prerequisite of other units"),
        (ESSENTIALS.replace("[syntax]", "[loops]"), "'loops' is not one of its topics (syntax, packaging)"),
        (ESSENTIALS.replace("[syntax]", "[]"), "name at least one topic"),
        (ESSENTIALS.replace("0.4", "1.5"), "share must be between 0 and 1"),
        (ESSENTIALS.replace("0.4", "0.6"), "share 0.6 is more than its topics' own share 0.50"),
        (ESSENTIALS.replace("needs: []", "needs: [soft-skills]"), "needs 'soft-skills', which is not one of"),
        (ESSENTIALS + "  basics:\n    topics: [x]\n    share: 0.1\n", "'basics' is not a unit"),
    ],
    ids=["missing", "unknown-topic", "no-topic", "share-over-1", "share-over-topics", "needs", "not-a-unit"],
)
def test_essentials_are_checked(mini_tree: SkillTree, tmp_path: Path, essentials: str, problem: str) -> None:
    with pytest.raises(CurriculumError) as error:
        load(
            mini_tree,
            tmp_path,
            HOURS + "prerequisites:\n  basics/version-control: [basics/python]\n" + essentials,
        )
    assert problem in str(error.value)


def test_every_shipped_prerequisite_has_checked_essentials(curriculum: Curriculum) -> None:
    prerequisites = {p for needs in curriculum.prerequisites.values() for p in needs}
    assert set(curriculum.essentials) == prerequisites
    for unit, essentials in curriculum.essentials.items():
        assert (
            essentials.needs
            and set(essentials.needs) <= curriculum.prerequisites[unit]
            or not essentials.needs
        )
        assert (
            0
            < essentials.share
            <= curriculum.syllabus.tenths(unit, essentials.topics) / curriculum.syllabus.tenths(unit)
        )
    python = curriculum.essentials[CORE_LANGUAGES]
    assert python.topics == (f"{CORE_LANGUAGES}/python",) and python.needs == ()


def test_the_shipped_syllabus_names_every_topic_entry(curriculum: Curriculum) -> None:
    from ingest.entries import load_entries

    entries = load_entries(seeds_dir() / "topics")
    pieces = [p for unit in curriculum.hours for p in curriculum.syllabus.pieces(unit)]
    assert len(pieces) == len(entries) == 621
    for unit, hours in curriculum.hours.items():
        assert sum(p.tenths for p in curriculum.syllabus.pieces(unit)) == round(hours * 10)
    assert all(p.checks for p in pieces)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            "prerequisites:\n  basics/python: [soft-skills]\n  soft-skills: [basics/python]\n",
            "prerequisite cycle",
        ),
        ("prerequisites:\n  basics/python: [basics/nope]\n", "unknown id 'basics/nope'"),
        ("prerequisites:\n  basics/ghost: [basics/python]\n", "unknown id 'basics/ghost'"),
        ("tracks:\n  t:\n    targets: [advanced]\n", "track t: unknown id 'advanced'"),
        (
            "prerequisites:\n  basics/version-control/git: [basics]\n",
            "'basics/version-control/git' depends on",
        ),
        ("not_covered:\n  - game design: Unity\n", "not_covered: {'game design': 'Unity'} is not a text"),
        ("adjacent: recommender systems\n", "adjacent: not a list"),
    ],
    ids=[
        "cycle",
        "unknown-prerequisite",
        "unknown-dependent",
        "unknown-track-target",
        "self-dependency",
        "not-covered-not-text",
        "adjacent-not-a-list",
    ],
)
def test_broken_files_name_the_problem(
    mini_tree: SkillTree, tmp_path: Path, extra: str, problem: str
) -> None:
    with pytest.raises(CurriculumError) as error:
        load(mini_tree, tmp_path, HOURS + extra)
    message = str(error.value)
    assert str(tmp_path / "curriculum.yaml") in message
    assert problem in message


def test_a_cycle_names_its_units(mini_tree: SkillTree, tmp_path: Path) -> None:
    extra = (
        "prerequisites:\n  basics/python: [basics/version-control/git]\n"
        "  basics/version-control/git: [basics/python]\n"
    )
    with pytest.raises(CurriculumError, match="prerequisite cycle") as error:
        load(mini_tree, tmp_path, HOURS + extra)
    assert "basics/python" in str(error.value)
    assert "basics/version-control/git" in str(error.value)


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (HOURS.replace("  soft-skills: 3\n", ""), "no estimate for 'soft-skills'"),
        (HOURS + "  basics: 5\n", "'basics' is not a unit"),
        (HOURS.replace("soft-skills: 3", "soft-skills: 0"), "'soft-skills' must be positive"),
        ("version: 1\n", "no estimate for 'basics/python'"),
    ],
    ids=["missing-estimate", "not-a-unit", "zero-hours", "no-hours-at-all"],
)
def test_hour_estimates_are_checked(mini_tree: SkillTree, tmp_path: Path, hours: str, problem: str) -> None:
    with pytest.raises(CurriculumError) as error:
        load(mini_tree, tmp_path, hours)
    assert problem in str(error.value)
