"""app/learner/coach.py, progress.py, next_steps.py, chat.py: quizzes, answers, progress and what next.

Real store (SQLite, and PostgreSQL in CI), real item bank and grader.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.answer.tutor import Turn
from app.core.errors import TutorError
from app.learner import chat
from app.learner import coach as coach_module
from app.learner.coach import Coach
from app.learner.progress import MASTERED

TRANSFORMERS = "machine-learning-and-deep-learning/neural-network-architectures/transformer-architectures"


def test_quiz_me_on_transformers_finds_the_transformer_items(coach: Coach) -> None:
    assert coach.find_topics("transformers") == [TRANSFORMERS]
    items = coach.quiz("ann", "transformers", 5)
    assert len(items) == 5
    assert all(i.topic_id.startswith(TRANSFORMERS) for i in items)
    assert len({i.topic_id for i in items}) >= 3  # spread over the unit's topics


def test_unknown_topic_item_or_empty_answer_is_one_line_and_stores_nothing(coach: Coach) -> None:
    item = coach.quiz("ann", "transformers", 1)[0]
    for call, message in [
        (lambda: coach.quiz("ann", "underwater basket weaving"), "unknown topic 'underwater basket weaving'"),
        (
            lambda: coach.answer("ann", "nope", "x"),
            "unknown item 'nope': take item ids from 'tutor quiz --json'",
        ),
        (lambda: coach.answer("ann", item.id, "   "), "the answer is empty"),
        (lambda: coach.set_state("ann", "no such topic", "done"), "unknown topic 'no such topic'"),
        (lambda: coach.quiz("ann", None, 0), "a quiz has 1 to 50 items"),
    ]:
        with pytest.raises(TutorError, match=message):
            call()
    assert coach.store.answers("ann") == [] and coach.store.states("ann") == {}


def test_answering_grades_shows_the_key_and_moves_the_topic(coach: Coach) -> None:
    item = next(i for i in coach.bank.items if i.question == "Which item does a stack remove first?")
    result = coach.answer("ann", item.id, "the last one pushed (LIFO)")
    assert result.correct and result.key == item.key
    assert set(result.to_json()) >= {"correct", "key", "next_due"}
    assert coach.progress("ann").unit(item.topic_id).mastery > 0
    topic_item = next(i for i in coach.bank.items if i.source == "entry")
    coach.answer("ann", topic_item.id, "idk")
    assert coach.store.states("ann")[topic_item.topic_id] == "learning"


def test_answering_a_topics_items_right_makes_it_done(coach: Coach) -> None:
    topic = next(
        t for t, items in coach.bank.by_topic.items() if coach.tree[t].kind == "topic" and len(items) == 2
    )
    for item in coach.bank.by_topic[topic]:
        result = coach.answer("ann", item.id, item.key)  # the key itself is right
        assert result.correct
    assert result.done and coach.store.states("ann")[topic] == "done"
    progress = coach.progress("ann")
    assert next(t for t in progress.topics if t.id == topic).mastery >= MASTERED


def test_progress_per_area_counts_done_topics_and_leaves_skipped_out(coach: Coach) -> None:
    area = "mathematics-and-statistics"
    coach.set_state("ann", f"{area}/linear-algebra/core-concepts", "done")
    coach.set_state("ann", f"{area}/calculus", "skipped")
    maths = next(a for a in coach.progress("ann").areas if a.id == area)
    assert maths.done > 0 and maths.skipped > 0
    assert maths.percent == pytest.approx(100 * maths.done / (maths.topics - maths.skipped))
    others = [a for a in coach.progress("bob").areas]
    assert all(a.done == 0 for a in others)


def test_what_next_needs_prerequisites_known_and_ranks_toward_the_goal(coach: Coach) -> None:
    curriculum = coach.curriculum
    first = coach.next("ann")
    assert first and all(not curriculum.prerequisites[u] for u in first)  # nothing known: only roots
    coach.store.set_goal("ann", "mlops-engineer")
    toward = curriculum.closure(set(curriculum.tracks["mlops-engineer"].targets))
    ranked = coach.next("ann", limit=50)
    ready_toward = [u for u in ranked if u in toward]
    assert ranked[: len(ready_toward)] == ready_toward  # goal's units first
    unit = ranked[0]
    coach.set_state("ann", unit, "done")
    after = coach.next("ann", limit=200)
    assert unit not in after
    # Every unit now ready needs nothing but units known (the one just done, or none).
    assert all(curriculum.prerequisites[u] <= {unit} for u in after)


def test_chat_quiz_runs_across_turns_and_shows_the_key_only_after_answering(coach: Coach) -> None:
    first = chat.reply(coach, "ann", "quiz me on transformers", []).text
    item = coach.quiz("ann", "transformers", 5)[0]
    assert item.question in first and item.key not in first
    history = [Turn("quiz me on transformers", first)]
    assert chat.is_learner_request("GPT", history)
    second = chat.reply(coach, "ann", "GPT", history).text
    assert second.startswith("Right.") and "Question 2 of 5" in second
    assert [a.response for a in coach.store.answers("ann")] == ["GPT"]
    stopped = chat.reply(coach, "ann", "stop", [*history, Turn("GPT", second)]).text
    assert stopped.startswith("Quiz stopped")
    assert not chat.is_learner_request("What is KL divergence?", [])


def test_a_new_request_during_a_chat_quiz_is_not_graded_as_an_answer(coach: Coach) -> None:
    first = chat.reply(coach, "ann", "quiz me on transformers", []).text
    history = [Turn("quiz me on transformers", first)]
    # "give me 3 questions on docker" was graded as a wrong answer to the transformers question.
    again = chat.reply(coach, "ann", "give me 3 questions on docker", history).text
    assert "Question 1 of 3" in again and "Docker" in again
    assert coach.store.answers("ann") == []
    assert chat.is_learner_request("ask me some questions about SQL", [])
    assert not chat.is_learner_request("what is pod placement in Kubernetes?", [])
    # What comes before a topic is the tutor's to answer, from the curriculum; what comes next is the coach's.
    assert not chat.is_learner_request("what should I learn before transformers?", [])
    assert not chat.is_learner_request("what should I learn first, SQL or pandas?", [])
    assert chat.is_learner_request("what should I learn next?", [])
    assert chat.is_learner_request("what should I learn first?", [])


def test_chat_asks_what_is_due_and_points_to_placement(coach: Coach, monkeypatch) -> None:
    assert chat.reply(coach, "ann", "what's due?", []).text.startswith("Nothing is due for review now")
    item = coach.quiz("ann", "transformers", 1)[0]
    coach.answer("ann", item.id, "no idea")  # a wrong answer comes back for review soon
    later = coach_module.now() + timedelta(days=2)
    monkeypatch.setattr(coach_module, "now", lambda: later)
    asked = chat.reply(coach, "ann", "what's due?", []).text
    assert asked.startswith("1 question(s) due for review") and item.question in asked
    assert item.key not in asked
    graded = chat.reply(coach, "ann", "no idea again", [Turn("what's due?", asked)]).text
    assert graded.startswith("Not quite.") and len(coach.store.answers("ann")) == 2
    assert chat.is_learner_request("what do I need to review?", [])
    assert not chat.is_learner_request("what is due diligence?", [])
    placement = chat.reply(coach, "ann", "I want a placement quiz", []).text
    assert "Quiz" in placement and "at most 15 questions" in placement


def test_chat_what_next_lists_ready_units(coach: Coach) -> None:
    text = chat.reply(coach, "ann", "What should I learn next?", []).text
    for unit in coach.next("ann"):
        assert f"**{coach.tree.label(unit)}**" in text
    assert "**Core Concepts**" not in text  # eight units have that title: say whose


def test_the_progress_tab_names_next_units_without_ambiguity(coach: Coach) -> None:
    from app.web.profile import Profiles
    from app.web.progress_tab import ProgressTab

    coach.set_state("ann", "programming-and-software-engineering", "done")
    summary = ProgressTab(coach, Profiles(login=False)).summary("ann", coach.progress("ann"))
    listed = summary.split("Next for you: ")[1].rstrip(".").split(", ")
    assert listed == [coach.tree.label(u) for u in coach.next("ann")]
    assert len(set(listed)) == len(listed)  # "Core Concepts" twice named two units alike
    assert all(name != "Core Concepts" for name in listed)
