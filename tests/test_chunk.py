"""ingest/chunk.py: chunks fit the embedder, keep their path, and have stable ids."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.chunk import SEPARATOR, bullet_groups, chunk_id, chunk_sections, embed_text, pack
from ingest.embed import EMBEDDER_MAX_TOKENS
from ingest.markdown import Section, parse_sections
from ingest.sync import chunk_file

GLOSSARY = ("Programming Basics", "3. Algorithms Glossary")
VERSION_CONTROL = ("Programming Basics", "2. Version Control")
CHECKLIST = ("Machine Learning Operations", "2. Model Serving", "Checklist")


def test_token_counters_match_their_references(count_embedder_tokens, count_tiktoken) -> None:
    # MiniLM's word pieces: [CLS] hello world [SEP]; cl100k_base: "hello", " world".
    assert count_embedder_tokens("hello world") == 4
    assert count_tiktoken("hello world") == 2
    assert count_tiktoken("<|endoftext|>") > 1  # special-token text in a document is just text


def test_every_chunk_fits_the_embedder_window(mini_chunks, count_embedder_tokens) -> None:
    for chunk in mini_chunks:
        assert chunk.tokens == count_embedder_tokens(chunk.embed_text)
        assert chunk.tokens <= EMBEDDER_MAX_TOKENS, chunk.path


def test_tiktoken_counts_are_recorded(mini_chunks, count_tiktoken) -> None:
    for chunk in mini_chunks:
        assert chunk.tiktoken_tokens == count_tiktoken(chunk.text)
    assert sum(c.tiktoken_tokens for c in mini_chunks) > 500


def test_long_section_is_split_between_bullets_and_keeps_its_path(
    mini_roadmap: Path, mini_chunks, count_embedder_tokens
) -> None:
    (glossary,) = [
        s for s in parse_sections(mini_roadmap.read_text(encoding="utf-8"), "t") if s.path == GLOSSARY
    ]
    assert count_embedder_tokens(embed_text(glossary.path, glossary.text)) > EMBEDDER_MAX_TOKENS

    pieces = [c for c in mini_chunks if c.path == GLOSSARY and c.kind == "section"]
    assert len(pieces) >= 2
    for piece in pieces:
        assert piece.embed_text.startswith("Programming Basics > 3. Algorithms Glossary\n")
        assert piece.text.startswith("- ")  # split at a top-level bullet, not mid-item
    # Nothing lost, nothing repeated: the pieces put back together are the section.
    assert "\n".join(p.text for p in pieces) == glossary.text


def test_section_with_several_bullets_gets_one_group_chunk_per_bullet(mini_chunks) -> None:
    groups = [c.text for c in mini_chunks if c.path == VERSION_CONTROL and c.kind == "group"]
    assert groups == [
        "- Git basics:\n  - Commits, branches, merging.",
        "- Advanced Git:\n  - Rebasing, resolving merge conflicts, Git workflows (e.g., GitFlow).",
    ]
    single = [c for c in mini_chunks if c.path == (*VERSION_CONTROL, "Notes")]
    assert [c.kind for c in single] == ["section"]


def test_ids_are_unique_even_for_duplicate_headings(mini_chunks) -> None:
    ids = [c.id for c in mini_chunks]
    assert len(ids) == len(set(ids))
    first, second = [c for c in mini_chunks if c.path == CHECKLIST]
    assert first.text == second.text
    assert second.id == f"{first.id}-1"


def test_ids_are_stable_across_runs(mini_roadmap: Path, mini_chunks) -> None:
    again = chunk_file(mini_roadmap)
    assert [c.id for c in again] == [c.id for c in mini_chunks]
    assert [c.order for c in again] == list(range(len(again)))


def test_only_the_changed_sections_get_new_ids(count_embedder_tokens, count_tiktoken) -> None:
    sections = [
        Section(("A", "Git"), "- Commits.\n- Branches."),
        Section(("A", "Docker"), "- Images."),
    ]
    before = chunk_sections(sections, "doc.md", count_embedder_tokens, count_tiktoken, 256)
    edited = [sections[0], replace(sections[1], text="- Images and volumes.")]
    after = chunk_sections(edited, "doc.md", count_embedder_tokens, count_tiktoken, 256)
    assert [c.id for c in after if c.path == ("A", "Git")] == [c.id for c in before if c.path == ("A", "Git")]
    (old,) = [c.id for c in before if c.path == ("A", "Docker")]
    (new,) = [c.id for c in after if c.path == ("A", "Docker")]
    assert old != new


def test_chunk_id_depends_on_source_path_kind_and_text() -> None:
    base = chunk_id("a.md", ("A", "B"), "text", "section")
    assert len(base) == 24 and int(base, 16) >= 0
    assert base == chunk_id("a.md", ["A", "B"], "text", "section")
    assert (
        len(
            {
                base,
                chunk_id("b.md", ("A", "B"), "text", "section"),
                chunk_id("a.md", ("A", "C"), "text", "section"),
                chunk_id("a.md", ("A", "B"), "text", "group"),
                chunk_id("a.md", ("A", "B"), "text!", "section"),
            }
        )
        == 5
    )


def test_embed_text_puts_the_breadcrumb_first(mini_chunks) -> None:
    chunk = next(c for c in mini_chunks if c.path == VERSION_CONTROL)
    assert chunk.breadcrumb == "Programming Basics" + SEPARATOR + "2. Version Control"
    assert chunk.embed_text == f"{chunk.breadcrumb}\n{chunk.text}"


def test_bullet_groups_split_at_the_outermost_indent() -> None:
    assert bullet_groups("- a\n  - a1\n  - a2\n- b") == ["- a\n  - a1\n  - a2", "- b"]
    assert bullet_groups("  - indented\n    - deeper\n  - next") == ["  - indented\n    - deeper", "  - next"]
    assert bullet_groups("one paragraph") == ["one paragraph"]


def test_an_overlong_line_is_split_between_words(count_embedder_tokens) -> None:
    line = " ".join(f"word{n}" for n in range(120))
    pieces = pack(("Notes",), [line], count_embedder_tokens, 48)
    assert len(pieces) > 1
    assert all(count_embedder_tokens(embed_text(("Notes",), p)) <= 48 for p in pieces)
    assert " ".join(pieces) == line


def test_no_chunk_is_empty(count_embedder_tokens, count_tiktoken) -> None:
    # A code fence at the start of a section must not leave an empty bullet group.
    doc = "# Setup\n```\npip install tutor\n```\n"
    chunks = chunk_sections(parse_sections(doc, "t"), "doc.md", count_embedder_tokens, count_tiktoken, 256)
    assert chunks
    assert [c.text for c in chunks if not c.text.strip()] == []


# --- the real roadmap ---------------------------------------------------------------


@pytest.fixture(scope="module")
def roadmap_chunks(real_roadmap: Path, count_embedder_tokens, count_tiktoken):
    return chunk_file(real_roadmap)


def test_roadmap_overview_areas_are_sections(roadmap_chunks) -> None:
    overview = {c.path[1] for c in roadmap_chunks if c.path[0] == "Essential skills for an AI engineer"}
    assert {
        "1. Programming and Software Engineering",
        "5. Cloud Computing and MLOps",
        "6. Model Deployment and Optimization",
        "7. Domain Knowledge",
        "8. Soft Skills",
    } <= overview
    deployment = next(c for c in roadmap_chunks if c.path[-1] == "6. Model Deployment and Optimization")
    assert "Deployment Techniques: APIs, edge devices, cloud deployment." in deployment.text


def test_roadmap_chunks_carry_no_table_of_contents_links(roadmap_chunks) -> None:
    assert [c.path for c in roadmap_chunks if "](#" in c.text] == []


def test_roadmap_deep_paths_are_kept(roadmap_chunks) -> None:
    paths = {c.path for c in roadmap_chunks}
    assert (
        "Machine Learning and Deep Learning",
        "8. Neural Network Architectures",
        "Transformer Architectures",
    ) in paths
    # `### **Applications in AI**:` loses its emphasis and colon.
    assert ("2 Mathematics and Statistics", "3. Probability Theory", "Applications in AI") in paths


def test_roadmap_chunks_fit_and_are_unique(roadmap_chunks) -> None:
    assert len(roadmap_chunks) > 300
    assert max(c.tokens for c in roadmap_chunks) <= EMBEDDER_MAX_TOKENS
    assert len({c.id for c in roadmap_chunks}) == len(roadmap_chunks)
    assert {c.source for c in roadmap_chunks} == {"seeds/ai-engineer-skills.md"}
