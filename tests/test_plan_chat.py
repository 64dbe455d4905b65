"""app/plan/chat.py: plan requests in the chat are parsed and planned by code, never sent to the LLM."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.answer.tutor import Turn
from app.core.errors import TutorError
from app.core.resources import seeds_dir
from app.plan.chat import ASK_PREFIX, CHOOSE_PREFIX, PlanChat, is_plan_request, parse, pick
from app.plan.curriculum import Curriculum
from app.plan.planner import StudyPlanner
from app.plan.skills import SkillTree
from ingest.entries import load_entries

CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"
FIRST = "Can you make me a study plan to become an MLOps engineer?"


@pytest.fixture(scope="module")
def curriculum(real_roadmap: Path) -> Curriculum:
    return Curriculum.load(SkillTree.from_file(real_roadmap))


@pytest.fixture
def chat(curriculum: Curriculum) -> PlanChat:
    """No embedder: free-text goals cannot be resolved, named ones can."""
    return PlanChat(StudyPlanner(curriculum))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "study plan for mlops engineer, 5 h/week for 3 months",
            {"hours_per_week": 5.0, "weeks": 13, "goal": "mlops engineer"},
        ),
        ("a plan for 1 month", {"weeks": 4}),
        ("for 6 months, 4h/week", {"hours_per_week": 4.0, "weeks": 26}),
        (
            "Make me a learning plan until 2027-06-30 starting on 2027-01-04 with 6.5 hrs per week",
            {"hours_per_week": 6.5, "until": date(2027, 6, 30), "start": date(2027, 1, 4)},
        ),
        ("Make me a study plan for 10 weeks until 2027-03-01", {"until": date(2027, 3, 1)}),
        (
            "I already know Linear Algebra and Calculus; 10 hours weekly, 20 weeks",
            {"hours_per_week": 10.0, "weeks": 20, "known": ("Linear Algebra", "Calculus")},
        ),
        (
            "I know Python, SQL and Git, I want to build LLM apps",
            {"known": ("Python", "SQL", "Git"), "goal": "build LLM apps"},
        ),
        (FIRST, {"goal": "MLOps engineer"}),
        (
            "I would like to learn Docker & Kubernetes. 5 hours per week",
            {"hours_per_week": 5.0, "goal": "Docker & Kubernetes"},
        ),
        # The example the tutor itself gives when it asks for missing details.
        (
            "8 hours a week for 12 weeks, I know Python, I want to build LLM apps",
            {"hours_per_week": 8.0, "weeks": 12, "known": ("Python",), "goal": "build LLM apps"},
        ),
        (
            "Make me a study plan to become a data engineer in 6 months at 4 hours per week",
            {"hours_per_week": 4.0, "weeks": 26, "goal": "data engineer"},
        ),
        (
            "Make me a study plan to learn a bit of SQL, 4 hours a week for 3 weeks",
            {"hours_per_week": 4.0, "weeks": 3, "goal": "SQL"},
        ),
        ("A study plan for apache spark", {"goal": "apache spark"}),
        (
            "Make me a study plan to understand how chatgpt works, 5 hours a week for 4 weeks",
            {"hours_per_week": 5.0, "weeks": 4, "goal": "how chatgpt works"},
        ),
        ("Can you make me a plan for learning git, 3 hours a week", {"hours_per_week": 3.0, "goal": "git"}),
        ("How do I rebase a branch?", {}),
    ],
    ids=[
        "track-hours-months",
        "one-month",
        "months-then-hours",
        "until-and-start",
        "until-wins-over-weeks",
        "known-and-weekly",
        "known-ends-at-new-clause",
        "become",
        "would-like-to",
        "the-tutors-own-example",
        "goal-then-duration-and-hours",
        "to-learn-a-bit-of",
        "a-word-starting-with-a",
        "to-understand",
        "for-learning",
        "nothing",
    ],
)
def test_parse(message: str, expected: dict) -> None:
    assert parse(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Make me a study plan for the data engineer track", True),
        ("Can you draw up a week-by-week schedule for Kubernetes?", True),
        ("please plan my next three months of learning", True),
        ("I need a learning schedule: 5 hours a week", True),
        ("How do I rebase and resolve merge conflicts in Git?", False),
        ("What is a learning rate schedule in deep learning?", False),
        ("8 hours a week for 12 weeks", False),  # details alone, with no question asked first
    ],
)
def test_is_plan_request(message: str, expected: bool) -> None:
    assert is_plan_request(message, []) is expected


def test_an_answer_to_the_tutors_question_is_a_plan_request() -> None:
    asked = [Turn(FIRST, f"{ASK_PREFIX} how many hours a week you can study.")]
    answered = [Turn("What is Git?", "Git is a version control system [1].")]
    assert is_plan_request("8 hours a week for 12 weeks", asked) is True
    assert is_plan_request("8 hours a week for 12 weeks", answered) is False


def test_asks_for_everything_missing(chat: PlanChat) -> None:
    reply = chat.reply("Make me a study plan")
    assert reply.plan is None
    assert reply.text.startswith(ASK_PREFIX)
    assert "how many hours a week" in reply.text
    assert "for how many weeks" in reply.text
    assert "your goal" in reply.text


def test_asks_then_plans_from_the_follow_up(chat: PlanChat, curriculum: Curriculum) -> None:
    ask = chat.reply(FIRST)
    assert ask.plan is None
    assert ask.text.startswith(ASK_PREFIX)
    assert "how many hours a week" in ask.text and "for how many weeks" in ask.text
    assert "your goal" not in ask.text  # the goal was given

    history = [Turn(FIRST, ask.text)]
    follow_up = "6 hours a week for 8 weeks"
    assert is_plan_request(follow_up, history)
    reply = chat.reply(follow_up, history)
    plan = reply.plan
    assert plan is not None
    assert plan.goal == "MLOps engineer"
    assert plan.targets == list(curriculum.tracks["mlops-engineer"].targets)
    assert plan.hours_per_week == 6.0
    assert len(plan.weeks) == 8
    assert all(w.hours <= 6.0 for w in plan.weeks)
    assert plan.weeks[0].start.weekday() == 0  # next Monday
    assert reply.text.startswith(
        f"Here is an 8-week plan for **MLOps engineer** at up to 6 h a week ({plan.total_hours:g} h"
    )
    assert "| week | starts | hours | toward | what to cover |" in reply.text
    assert plan.feasibility.summary(6, 8) in reply.text  # what the full path takes, and the choice
    missed = [x for x in plan.unscheduled if x.kind != "deepening"]
    assert f"Did not fit: {len(missed)} items" in reply.text
    # Each week's row names the goal topic it works toward and the sub-topics it covers.
    first = plan.weeks[0]
    row = next(line for line in reply.text.splitlines() if line.startswith("| 1 |"))
    assert plan.label(first.serves[0]) in row
    assert next(i for i in first.items if i.covers).covers[0] in row


def test_known_topics_are_skipped_and_unknown_ones_reported(chat: PlanChat) -> None:
    message = "Make me a study plan for mlops-engineer, 6 hours a week for 8 weeks, I know Python and Cooking"
    reply = chat.reply(message)
    assert reply.plan is not None
    learned = {i.topic_id for w in reply.plan.weeks for i in w.items if i.kind == "learn"}
    assert CORE_LANGUAGES not in learned
    assert "Skipped as known: Python." in reply.text
    assert "Not found in the roadmap, so not skipped: Cooking." in reply.text


def test_a_plan_that_cannot_be_made_is_explained(chat: PlanChat) -> None:
    reply = chat.reply("I want to bake sourdough bread. Make me a study plan: 5 hours a week over 4 weeks")
    assert reply.plan is None
    assert reply.text.startswith(
        "I couldn't make that plan: no track or topic is named 'bake sourdough bread'"
    )


def test_following_the_tutors_own_example_gives_a_plan(curriculum: Curriculum, embeddings) -> None:
    chat = PlanChat(StudyPlanner(curriculum, embeddings=lambda: embeddings))
    ask = chat.reply("Make me a study plan")
    assert ask.text.startswith(ASK_PREFIX)
    example = "8 hours a week for 12 weeks, I know Python, I want to build LLM apps"
    assert example in ask.text.replace("“", "").replace("”", "")

    reply = chat.reply(example, [Turn("Make me a study plan", ask.text)])
    assert not reply.text.startswith(ASK_PREFIX), reply.text
    assert reply.plan is not None
    assert reply.plan.targets == list(curriculum.tracks["llm-application-engineer"].targets)
    assert "Skipped as known: Python." in reply.text


def test_an_unclear_goal_is_asked_back_and_the_pick_planned(curriculum: Curriculum, embeddings) -> None:
    chat = PlanChat(StudyPlanner(curriculum, embeddings=lambda: embeddings))
    first = "make me a study plan for security, 5 hours a week for 4 weeks"
    ask = chat.reply(first)
    assert ask.plan is None and ask.text.startswith(CHOOSE_PREFIX)
    options = [line for line in ask.text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(options) == 3 and "`data-engineering/security-and-privacy`" in ask.text
    picked = next(n for n, line in enumerate(options, start=1) if "security-and-privacy" in line)
    history = [Turn(first, ask.text)]
    assert is_plan_request(str(picked), history)
    reply = chat.reply(str(picked), history)
    assert reply.plan is not None and reply.plan.goal == "Data Engineering › Security and Privacy"
    assert set(reply.plan.targets) == set(curriculum.tree.unit_of("data-engineering/security-and-privacy"))
    assert reply.plan.hours_per_week == 5 and len(reply.plan.weeks) <= 4
    # A reply that names none of them is read as a new request.
    assert pick("the other one", ()) is None


def test_a_reading_offered_as_a_topic_is_planned_as_that_topic(curriculum: Curriculum, embeddings) -> None:
    """Asked back, a unit reading narrowed to the topic the goal names keeps it when picked."""
    entries = load_entries(seeds_dir() / "topics")
    chat = PlanChat(StudyPlanner(curriculum, embeddings=lambda: embeddings, entries=entries))
    first = "make me a study plan for reinforcement learning for game agents, 6 hours a week for 8 weeks"
    ask = chat.reply(first)  # Advanced ML, or the ML fundamentals that list reinforcement learning
    rl = "machine-learning-and-deep-learning/advanced-machine-learning/reinforcement-learning"
    assert ask.plan is None and f"`{rl}`" in ask.text, ask.text
    picked = next(line.split(".")[0] for line in ask.text.splitlines() if f"`{rl}`" in line)
    reply = chat.reply(picked, [Turn(first, ask.text)])
    assert reply.plan is not None and reply.plan.focus == {rl.rsplit("/", 1)[0]: (rl,)}
    assert reply.text.startswith("Here is an 8-week plan for **") and "Reinforcement Learning" in reply.text


def test_a_date_that_does_not_exist(chat: PlanChat) -> None:
    with pytest.raises(TutorError, match="end date .2027-02-30. is not a date"):
        parse("study plan until 2027-02-30, 5 hours a week")
    reply = chat.reply("Make me a study plan for mlops-engineer, 5 hours a week until 2027-02-30")
    assert reply.plan is None
    assert reply.text.startswith("I couldn't make that plan: end date '2027-02-30' is not a date")
