"""app/learner/items.py: quiz items come from the shipped data with its keys; choices come from siblings."""

from __future__ import annotations

from app.core.resources import seeds_dir
from app.learner.items import ItemBank
from app.plan.notes import load_card_questions
from ingest.entries import load_entries


def test_every_self_check_of_the_cards_and_entries_is_an_item_with_its_own_key(bank: ItemBank) -> None:
    cards = load_card_questions(seeds_dir() / "cards")
    entries = load_entries(seeds_dir() / "topics")
    expected = {(q, a) for checks in cards.values() for q, a in checks}
    expected |= {(q, a) for e in entries for q, a in e.checks}
    assert {(i.question, i.key) for i in bank.items} == expected
    assert len(bank.items) >= 1400
    assert {i.source for i in bank.items} == {"card", "entry"}
    for item in bank.items:
        node = bank.tree[item.topic_id]
        assert node.kind == "topic" if item.source == "entry" else node.unit


def test_what_a_learner_sees_before_answering_has_no_key(bank: ItemBank) -> None:
    item = next(i for i in bank.items if i.question == "Which item does a stack remove first?")
    shown = item.public(bank.choices(item))
    assert set(shown) == {"id", "topic_id", "question", "choices"}
    assert "key" not in item.public()
    assert item.key not in str(item.public())


def test_choices_are_the_key_and_three_keys_of_sibling_topics(bank: ItemBank) -> None:
    by_key = {}
    for other in bank.items:
        by_key.setdefault(other.key, []).append(other)
    entries = [i for i in bank.items if i.source == "entry" and not i.yes_no]
    for item in entries:
        choices = bank.choices(item)
        assert len(choices) == 4 and len(set(choices)) == 4
        assert choices.count(item.key) == 1
        assert bank.correct_choice(item) == item.key
        for distractor in (c for c in choices if c != item.key):
            owners = by_key[distractor]
            assert all(o.topic_id != item.topic_id for o in owners), (item.question, distractor)
        assert choices == bank.choices(item)  # the same order every time: the server grades by text


def test_a_yes_no_question_offers_yes_and_no(bank: ItemBank) -> None:
    item = next(i for i in bank.items if i.key.startswith("No,"))
    assert bank.choices(item) == ["Yes", "No"]
    assert bank.correct_choice(item) == "No"


def test_items_have_stable_distinct_ids(bank: ItemBank, roadmap_tree) -> None:
    again = ItemBank.load(roadmap_tree, seeds_dir() / "cards", seeds_dir() / "topics")
    assert [i.id for i in again.items] == [i.id for i in bank.items]
    assert len({i.id for i in bank.items}) == len(bank.items)
