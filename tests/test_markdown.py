"""ingest/markdown.py: headings, breadcrumbs and the overview outline."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.markdown import Section, clean_heading, clean_inline, parse_sections


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**1. Linear Algebra**", "1. Linear Algebra"),
        ("**Applications in AI**:", "Applications in AI"),
        ("**1. Python Language:**", "1. Python Language"),
        ("Notes:", "Notes"),
        ("[Docker](https://docker.com) basics", "Docker basics"),
        ("`pytest`   and  *friends*", "pytest and friends"),
        ("***Both***", "Both"),
    ],
)
def test_clean_heading(raw: str, expected: str) -> None:
    assert clean_heading(raw) == expected


def test_runaway_heading_is_cut_to_200_characters() -> None:
    heading = clean_heading("word " * 100)
    assert len(heading) == 200
    assert heading.endswith("…")


def test_clean_inline_keeps_link_text_and_drops_targets() -> None:
    line = "See [the docs](https://docs.python.org/3/) and ![logo](img.png), run `pdb`."
    assert clean_inline(line) == "See the docs and logo, run pdb."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cross_val_score(model, X, y) and n_neighbors", "cross_val_score(model, X, y) and n_neighbors"),
        ("A: `__init__`.", "A: __init__."),
        ("shown as **** **** 1234", "shown as **** **** 1234"),
        ("an _emphasised_ word and a \\*star", "an emphasised word and a *star"),
        ("  - nested **item**", "  - nested item"),
    ],
)
def test_clean_inline_reads_emphasis_as_commonmark_does(raw: str, expected: str) -> None:
    assert clean_inline(raw) == expected


def test_markdown_heading_becomes_a_clean_breadcrumb() -> None:
    doc = "# Maths\n## **1. Linear Algebra**\n### **Core Concepts**:\n- Vectors and matrices.\n"
    assert parse_sections(doc, "ignored") == [
        Section(("Maths", "1. Linear Algebra", "Core Concepts"), "- Vectors and matrices.")
    ]


def test_breadcrumb_pops_back_to_the_right_level() -> None:
    doc = "# A\n## B\nb text\n### C\nc text\n## D\nd text\n# E\ne text\n## F ##\nf text\n"
    assert [(s.path, s.text) for s in parse_sections(doc, "t")] == [
        (("A", "B"), "b text"),
        (("A", "B", "C"), "c text"),
        (("A", "D"), "d text"),
        (("E",), "e text"),
        (("E", "F"), "f text"),  # closing hashes are not part of the name
    ]


def test_document_without_headings_uses_the_title() -> None:
    assert parse_sections("just some notes\n\n- and a bullet\n", "My Notes") == [
        Section(("My Notes",), "just some notes\n- and a bullet")
    ]


def test_text_before_the_first_heading_uses_the_title() -> None:
    sections = parse_sections("intro line\n# Heading\nbody\n", "Doc Title")
    assert [s.path for s in sections] == [("Doc Title",), ("Heading",)]


def test_headings_without_text_are_skipped_as_sections() -> None:
    sections = parse_sections("# A\n## B\n## C\nc text\n", "t")
    assert [s.path for s in sections] == [("A", "C")]


def test_horizontal_rules_are_ignored() -> None:
    doc = "# T\n---\nfirst\n***\nsecond\n___\n- - -\n----\nthird\n"
    assert parse_sections(doc, "t") == [Section(("T",), "first\nsecond\nthird")]


def test_code_fence_lines_are_not_headings() -> None:
    doc = "# Setup\n```\n# install first\npip install x\n```\n## Next\nnext text\n"
    sections = parse_sections(doc, "t")
    assert [s.path for s in sections] == [("Setup",), ("Setup", "Next")]
    assert "# install first" in sections[0].text


def test_code_fence_contents_are_kept_verbatim() -> None:
    # Code is literal text: inline-markdown cleaning must not eat its `*` or `_`,
    # nor turn the fence markers into a stray word ("bash").
    doc = "# Setup\n```bash\nexport A_B=1  # set *both* vars\n```\n"
    (section,) = parse_sections(doc, "t")
    assert "export A_B=1  # set *both* vars" in section.text
    assert not section.text.startswith("bash")


def test_outline_items_become_sections_without_link_targets() -> None:
    doc = (
        "# Overview\n"
        "1. [Programming](#1-programming)\n"
        "   - **Python**: a must.\n"
        "2. **Model Deployment**\n"
        "   - APIs, edge devices.\n"
        "3. **Tools**:\n"
        "   - Docker.\n"
    )
    assert parse_sections(doc, "t") == [
        Section(("Overview", "1. Programming"), "- Python: a must."),
        Section(("Overview", "2. Model Deployment"), "- APIs, edge devices."),
        Section(("Overview", "3. Tools"), "- Docker."),
    ]


def test_numbered_sentences_are_not_an_outline() -> None:
    doc = "# Steps\n1. Install Python first.\n2. Then learn Git.\n"
    assert parse_sections(doc, "t") == [Section(("Steps",), "1. Install Python first.\n2. Then learn Git.")]


def test_text_after_an_outline_belongs_to_the_heading() -> None:
    doc = "# T\n1. **Area**\n   - item\n\nclosing words\n"
    assert parse_sections(doc, "t") == [
        Section(("T",), "closing words"),
        Section(("T", "1. Area"), "- item"),
    ]


def test_fixture_curriculum_sections(mini_roadmap: Path) -> None:
    sections = parse_sections(mini_roadmap.read_text(encoding="utf-8"), "mini roadmap")
    paths = [s.path for s in sections]
    assert paths[:3] == [
        ("Mini roadmap for tests",),
        ("Mini roadmap for tests", "1. Programming Basics"),
        ("Mini roadmap for tests", "2. Machine Learning Operations"),
    ]
    assert ("Programming Basics", "1. Python Language", "Core Syntax") in paths
    assert ("Machine Learning Operations", "1. Experiment Tracking", "Notes") in paths
    # Duplicate headings stay two sections with the same path.
    assert paths.count(("Machine Learning Operations", "2. Model Serving", "Checklist")) == 2
    overview = sections[1]
    assert overview.text == (
        "- Python: syntax, data types and the standard library.\n"
        "- Version Control: Git commits, branches and merging."
    )
    for section in sections:
        assert "](#" not in section.text and "(#" not in section.text
        for name in section.path:
            assert not name.endswith(":") and "*" not in name and "`" not in name, name
