"""seeds/cards: one knowledge card per unit of the real roadmap, each fitting the embedder's window."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.core.resources import seeds_dir
from app.plan.skills import SkillTree
from ingest.chunk import embed_text
from ingest.embed import EMBEDDER_MAX_TOKENS
from ingest.markdown import Section, parse_cards
from ingest.sync import chunk_file

CARDS_DIR = seeds_dir() / "cards"
# Each file holds the cards of one area of the roadmap (the first part of every card's path).
FILES = {
    "0-overview": "Essential skills for an AI engineer",
    "1-programming": "1 Programming and Software Engineering",
    "2-mathematics": "2 Mathematics and Statistics",
    "3-machine-learning": "Machine Learning and Deep Learning",
    "4-data-engineering": "Data Engineering",
    "5-cloud-mlops": "Cloud Computing and MLOps",
}
LABELS = ("**Why an AI engineer needs it:**", "**Typical tools:**", "**Self-check:**")


def card_files() -> list[Path]:
    return sorted(CARDS_DIR.glob("*.md"))


def raw_cards(markdown: str) -> dict[str, str]:
    """Each card's markdown as written (labels still bold), by its `## A > B` heading."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in markdown.splitlines():
        if line.startswith("## ") and " > " in line:
            current = blocks.setdefault(line[3:].strip(), [])
        elif line.startswith("#"):
            current = None
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(lines) for heading, lines in blocks.items()}


@pytest.fixture(scope="module")
def cards() -> dict[str, list[Section]]:
    return {path.stem: parse_cards(path.read_text(encoding="utf-8")) for path in card_files()}


@pytest.fixture(scope="module")
def unit_paths(real_roadmap: Path) -> set[tuple[str, ...]]:
    return {u.path for u in SkillTree.from_file(real_roadmap).units}


def test_the_six_card_files_exist() -> None:
    assert {p.stem for p in card_files()} >= set(FILES)


def test_every_unit_has_exactly_one_card(cards: dict[str, list[Section]], unit_paths) -> None:
    counts = Counter(card.path for file_cards in cards.values() for card in file_cards)
    missing = sorted(" > ".join(p) for p in unit_paths - set(counts))
    assert missing == []
    duplicated = sorted(" > ".join(p) for p, n in counts.items() if n > 1)
    assert duplicated == []
    assert len(unit_paths) == 115


def test_every_card_explains_a_unit(cards: dict[str, list[Section]], unit_paths) -> None:
    strays = [
        " > ".join(c.path) for file_cards in cards.values() for c in file_cards if c.path not in unit_paths
    ]
    assert strays == []


@pytest.mark.parametrize("stem", sorted(FILES))
def test_each_file_holds_one_area(cards: dict[str, list[Section]], stem: str) -> None:
    assert cards[stem], stem
    assert {c.path[0] for c in cards[stem]} == {FILES[stem]}


@pytest.mark.parametrize("stem", sorted(FILES))
def test_each_card_has_its_labelled_parts(stem: str) -> None:
    written = raw_cards((CARDS_DIR / f"{stem}.md").read_text(encoding="utf-8"))
    assert written, stem
    for heading, text in written.items():
        for label in LABELS:
            assert text.count(label) == 1, (heading, label)
        # The explanation comes first, then the labelled parts in this order.
        positions = [text.index(label) for label in LABELS]
        assert positions == sorted(positions) and len(text[: positions[0]].strip()) > 100, heading
        questions = [line for line in text.splitlines() if line.startswith("- Q:")]
        assert len(questions) == 2, heading
        assert all(" A: " in q for q in questions), heading
        after_self_check = text.split(LABELS[2], 1)[1]
        assert all(q in after_self_check for q in questions), heading


@pytest.mark.parametrize("stem", sorted(FILES))
def test_each_card_fits_the_embedder_window(stem: str, count_embedder_tokens) -> None:
    path = CARDS_DIR / f"{stem}.md"
    cards = parse_cards(path.read_text(encoding="utf-8"))
    assert EMBEDDER_MAX_TOKENS == 256
    for card in cards:  # a whole card would embed as one chunk, nothing truncated
        tokens = count_embedder_tokens(embed_text(card.path, card.text))
        assert tokens <= EMBEDDER_MAX_TOKENS, (" > ".join(card.path), tokens)

    chunks = chunk_file(path, card=True)
    assert {c.kind for c in chunks} == {"card"}
    assert all(c.tokens <= EMBEDDER_MAX_TOKENS for c in chunks)
    # Chunks follow the cards in order and together hold each card's text, nothing lost or repeated.
    for card in cards:
        mine = [c for c in chunks if c.path == card.path]
        assert mine, card.path
        orders = [c.order for c in mine]
        assert orders == list(range(orders[0], orders[0] + len(mine))), card.path
        assert " ".join(" ".join(c.text for c in mine).split()) == " ".join(card.text.split()), card.path
