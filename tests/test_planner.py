"""app/plan/planner.py: a learner's goal, known topics and dates to a plan request the planner runs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.core.errors import TutorError
from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.planner import MAX_WEEKS, GoalUnclear, PlanRequest, StudyPlanner, next_monday
from app.plan.skills import SkillTree
from ingest.entries import load_entries

CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"
INFORMATION_THEORY = "mathematics-and-statistics/information-theory"
DOCKER = "cloud-computing-and-mlops/containerization-and-orchestration/docker"
KUBERNETES = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
START = date(2027, 1, 4)  # a Monday


@pytest.fixture(scope="module")
def curriculum(real_roadmap: Path) -> Curriculum:
    return Curriculum.load(SkillTree.from_file(real_roadmap))


@pytest.fixture
def planner(curriculum: Curriculum) -> StudyPlanner:
    """No embedder: only named goals resolve."""
    return StudyPlanner(curriculum)


def request(**fields) -> PlanRequest:
    fields.setdefault("goal", "mlops-engineer")
    fields.setdefault("hours_per_week", 6)
    return PlanRequest(**fields)


# --- goals ------------------------------------------------------------------------------


@pytest.mark.parametrize("goal", ["mlops-engineer", "MLOps engineer", "  mlops ENGINEER  "])
def test_a_track_by_id_or_title(planner: StudyPlanner, curriculum: Curriculum, goal: str) -> None:
    assert planner.targets(goal) == list(curriculum.tracks["mlops-engineer"].targets)


def test_comma_separated_titles_and_ids(planner: StudyPlanner) -> None:
    assert planner.targets("Information Theory, Docker") == [INFORMATION_THEORY, DOCKER]
    assert planner.targets(f"{KUBERNETES}, kl divergence") == [KUBERNETES, INFORMATION_THEORY]
    # A section stands for its units.
    assert planner.targets("Calculus") == [
        "mathematics-and-statistics/calculus/differential-calculus",
        "mathematics-and-statistics/calculus/integral-calculus",
    ]


def test_free_text_needs_the_embedder(planner: StudyPlanner) -> None:
    with pytest.raises(TutorError, match="no track or topic is named 'bake sourdough bread'.*'tutor topics'"):
        planner.targets("bake sourdough bread")
    # One unknown title among known ones makes the whole goal free text.
    with pytest.raises(TutorError, match="no track or topic is named"):
        planner.targets("Docker, sourdough")


def test_an_empty_goal_is_refused(planner: StudyPlanner) -> None:
    with pytest.raises(TutorError, match="the goal is empty"):
        planner.plan(request(goal="   ", weeks=4, start=START))


# --- known topics -----------------------------------------------------------------------


def test_known_topics_keep_their_granularity(planner: StudyPlanner) -> None:
    # A topic credits that topic; a unit, section or area credits its units.
    assert planner.known(("Python", "Information Theory")) == {f"{CORE_LANGUAGES}/python", INFORMATION_THEORY}
    assert planner.known(("Calculus",)) == {
        "mathematics-and-statistics/calculus/differential-calculus",
        "mathematics-and-statistics/calculus/integral-calculus",
    }
    assert planner.known(()) == set()


def test_an_unknown_known_topic_points_to_tutor_topics(planner: StudyPlanner) -> None:
    with pytest.raises(TutorError) as error:
        planner.known(("Python", "Cooking"))
    assert str(error.value) == "unknown topic 'Cooking': use an id or a title from 'tutor topics'"
    with pytest.raises(TutorError, match="'tutor topics'"):
        planner.plan(request(weeks=4, start=START, known=("Underwater basket weaving",)))


def test_known_topics_are_left_out_of_the_plan(planner: StudyPlanner) -> None:
    plan = planner.plan(request(goal="Information Theory", weeks=20, start=START, known=("Calculus",)))
    learned = {i.topic_id for w in plan.weeks for i in w.items if i.kind == "learn"}
    assert INFORMATION_THEORY in learned
    assert "mathematics-and-statistics/probability-theory/core-concepts" in learned
    assert not {t for t in learned if t.startswith("mathematics-and-statistics/calculus/")}


# --- dates and weeks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (date(2027, 1, 4), date(2027, 1, 11)),  # a Monday: the next one, not today
        (date(2027, 1, 6), date(2027, 1, 11)),
        (date(2027, 1, 10), date(2027, 1, 11)),  # a Sunday
    ],
)
def test_plans_start_next_monday(planner: StudyPlanner, today: date, monday: date) -> None:
    assert next_monday(today) == monday
    plan = planner.plan(request(weeks=2), today=today)
    assert plan.weeks[0].start == monday


@pytest.mark.parametrize(
    ("fields", "weeks"),
    [
        ({"weeks": 8}, 8),
        ({"until": START + timedelta(days=30)}, 5),  # a started week counts
        ({"until": START + timedelta(days=28)}, 4),
        ({"until": START + timedelta(days=1)}, 1),
        ({"weeks": MAX_WEEKS}, MAX_WEEKS),
    ],
)
def test_weeks_for(fields: dict, weeks: int) -> None:
    assert StudyPlanner.weeks_for(request(**fields), START) == weeks


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"until": START}, "the end date 2027-01-04 is not after the start 2027-01-04"),
        ({"until": START - timedelta(days=3)}, "the end date 2027-01-01 is not after the start 2027-01-04"),
        (
            {"weeks": 4, "until": START + timedelta(days=60)},
            "either a number of weeks or an end date, not both",
        ),
        ({}, "give a number of weeks or an end date"),
        ({"weeks": 0}, "the number of weeks must be at least 1 (got 0)"),
        ({"weeks": -2}, "the number of weeks must be at least 1 (got -2)"),
        ({"weeks": MAX_WEEKS + 1}, "plans go up to 520 weeks"),
        ({"until": START + timedelta(weeks=MAX_WEEKS, days=1)}, "plans go up to 520 weeks"),
        ({"weeks": 4, "hours_per_week": 0}, "hours per week must be at least 0.1 (got 0)"),
        ({"weeks": 4, "hours_per_week": -3}, "hours per week must be at least 0.1 (got -3)"),
        ({"weeks": 4, "hours_per_week": 169}, "a week has 168 hours"),
    ],
    ids=[
        "until-is-start",
        "until-before-start",
        "both",
        "neither",
        "zero-weeks",
        "negative-weeks",
        "too-many-weeks",
        "until-too-far",
        "zero-hours",
        "negative-hours",
        "more-hours-than-a-week",
    ],
)
def test_weeks_for_refuses(fields: dict, message: str) -> None:
    with pytest.raises(TutorError) as error:
        StudyPlanner.weeks_for(request(**fields), START)
    assert message in str(error.value)


def test_plan_with_an_end_date(planner: StudyPlanner, curriculum: Curriculum) -> None:
    plan = planner.plan(request(until=date(2027, 3, 1), start=START))
    assert len(plan.weeks) == 8
    assert plan.weeks[-1].start == date(2027, 2, 22)
    assert plan.targets == list(curriculum.tracks["mlops-engineer"].targets)
    assert plan.goal == "mlops-engineer"


# --- free text, with the real embedder ----------------------------------------------------


def test_named_goals_never_load_the_embedder(curriculum: Curriculum) -> None:
    def factory():
        raise AssertionError("the embedder was loaded for a named goal")

    planner = StudyPlanner(curriculum, embeddings=factory)
    assert planner.targets("mlops-engineer") == list(curriculum.tracks["mlops-engineer"].targets)
    assert planner.targets("Information Theory, Docker") == [INFORMATION_THEORY, DOCKER]


@pytest.fixture(scope="module")
def embedded(curriculum: Curriculum, embeddings) -> tuple[StudyPlanner, list[int]]:
    """One planner over the session's embedder for these tests (it embeds the roadmap once)."""
    loads: list[int] = []

    def factory():
        loads.append(1)
        return embeddings

    return StudyPlanner(curriculum, embeddings=factory), loads


def test_free_text_names_a_track(embedded, curriculum: Curriculum) -> None:
    planner, loads = embedded
    llm = list(curriculum.tracks["llm-application-engineer"].targets)
    assert planner.targets("I want to build LLM apps") == llm
    assert planner.targets("build LLM apps") == llm
    assert loads == [1]  # loaded on first need, then reused


def test_free_text_names_units(embedded) -> None:
    planner, loads = embedded
    assert planner.targets("I want to run Kubernetes clusters") == [KUBERNETES]
    # Deploying on Kubernetes is Kubernetes, not distributed training as well.
    assert planner.targets("deploy models on Kubernetes") == [KUBERNETES]
    assert loads == [1]


def test_free_text_naming_a_topic_of_its_unit_plans_that_topic(embedded) -> None:
    planner, _ = embedded
    advanced = "machine-learning-and-deep-learning/advanced-machine-learning"
    inference = "cloud-computing-and-mlops/model-deployment/real-time-vs-batch-inference"
    assert planner.goal_of("reinforcement learning for game agents") == (
        [advanced],
        [f"{advanced}/reinforcement-learning"],
    )
    # Naming Batch while meaning Real-Time almost as much: the whole unit.
    assert planner.goal_of("nightly batch scoring vs a low-latency api, which one do i need") == (
        [inference],
        [],
    )
    # A title of two words or more is named outright, whatever the other topics' closeness.
    generative = "machine-learning-and-deep-learning/generative-models"
    assert planner.goal_of("generate images with GANs and diffusion models") == (
        [generative],
        [f"{generative}/generative-adversarial-networks-gans", f"{generative}/diffusion-models"],
    )
    plan = planner.plan(request(goal="reinforcement learning for game agents", weeks=20))
    assert plan.focus == {advanced: (f"{advanced}/reinforcement-learning",)}
    assert "machine-learning-and-deep-learning/model-evaluation-and-validation" not in {
        i.topic_id for w in plan.weeks for i in w.items
    }


def test_a_goal_joining_a_tool_and_a_title_is_both(curriculum: Curriculum, embeddings) -> None:
    """ "git" names no title but has one reading (Software Development Practices, by its
    Version Control entries' tools): joined with Docker, the goal is both, not Docker alone."""
    entries = load_entries(seeds_dir() / "topics")
    planner = StudyPlanner(curriculum, embeddings=lambda: embeddings, entries=entries)
    practices = "programming-and-software-engineering/software-development-practices"
    docker = "cloud-computing-and-mlops/containerization-and-orchestration/docker"
    assert planner.goal_of("git and docker") == ([practices, docker], [f"{practices}/version-control"])
    # A tool with several readings leaves the goal to the matcher whole.
    assert planner.goals.joined("kafka and docker") is None


def test_building_a_chatbot_offers_the_llm_application_track_first(embedded) -> None:
    """Its description names what LLM application engineers build (it was "not covered")."""
    planner, _ = embedded
    resolution = planner.goals.resolve("build a chatbot")
    assert resolution.status in ("ask", "matched")
    assert resolution.candidates[0].id == "llm-application-engineer"
    # RAG is what the roadmap's LLM application track comes closest to (it was "not covered").
    rag = planner.goals.resolve("when does RAG make sense vs fine-tuning and what does it cost")
    assert rag.status != "none" and rag.candidates[0].id == "llm-application-engineer"


def test_data_science_goals_are_the_data_scientist_track(embedded, curriculum: Curriculum) -> None:
    """Learners switching careers ask for data science, not data engineering (the track it
    read as while the roadmap had no data scientist track)."""
    planner, _ = embedded
    scientist = list(curriculum.tracks["data-scientist"].targets)
    assert planner.targets("get a job as a data scientist") == scientist
    assert planner.targets("i work in accounting, how do i switch careers into data science?") == scientist
    assert planner.targets("become a data engineer") == list(curriculum.tracks["data-engineer"].targets)
    # Its databases are SQL ones: the track names the topic, and the plan keeps NoSQL stores out.
    relational = "programming-and-software-engineering/databases/relational-databases"
    assert planner.goal_of("data scientist")[1] == [relational]
    plan = planner.plan(request(goal="get a job as a data scientist", hours_per_week=10, weeks=40))
    scheduled = {i.topic_id for w in plan.weeks for i in w.items}
    assert "programming-and-software-engineering/databases" in scheduled
    covered = {piece for w in plan.weeks for i in w.items for piece in i.covers}
    assert "SQL queries" in covered and not {"MongoDB", "Redis", "Cassandra"} & covered


def test_a_project_on_photos_or_a_camera_is_computer_vision(curriculum: Curriculum, embeddings) -> None:
    """Learners name what the model looks at ("a photo", "my webcam"), not the field: these
    goals were asked about with Python or Azure first, or not covered."""
    entries = load_entries(seeds_dir() / "topics")
    planner = StudyPlanner(curriculum, embeddings=lambda: embeddings, entries=entries)
    vision = "machine-learning-and-deep-learning/computer-vision"
    assert planner.targets("count the cars passing my house from a video camera") == [vision]
    for goal in (
        "hook up a camera to my bird feeder and have it identify the birds",
        "build a web app that classifies sign language (ASL) letters from a webcam feed",
    ):
        assert planner.goals.resolve(goal).candidates[0].id == vision


def test_free_text_that_matches_nothing(embedded) -> None:
    planner, _ = embedded
    with pytest.raises(TutorError) as error:
        planner.targets("learn to bake sourdough bread")
    assert str(error.value) == (
        "the goal 'learn to bake sourdough bread' is not something the roadmap covers "
        "(it is about cooking and baking); "
        "name a track, topics, or a skill it lists"
    )


def test_a_goal_about_a_field_the_roadmap_does_not_teach_is_not_covered(embedded) -> None:
    """Its words reach the roadmap ("development", "design", "computing"), its subject does not:
    these were asked about, with Core Concepts or Software Architecture first."""
    planner, _ = embedded
    for goal, field in (
        (
            "learn game design and development in unity this summer, then try 3D games",
            "video game development",
        ),
        ("non-physics major, really interested in how to program quantum computers", "quantum computing"),
        ("building a robotic arm with an arduino and servos", "robotics hardware"),
    ):
        resolution = planner.goals.resolve(goal)
        assert resolution.status == "none" and resolution.outside.startswith(field)
    # Its words alone do not make a goal outside: securing a model is the roadmap's.
    assert planner.goals.resolve("prevent sql injection in my flask app").outside == ""
    assert planner.goals.resolve("learn web development to ship my ml demo").status == "matched"


def test_an_unclear_goal_asks_with_the_readings_to_pick_from(embedded) -> None:
    planner, _ = embedded
    with pytest.raises(GoalUnclear) as unclear:
        planner.targets("security")
    ids = [c.id for c in unclear.value.candidates]
    assert set(ids) == {
        "programming-and-software-engineering/security",
        "data-engineering/security-and-privacy",
        "cloud-computing-and-mlops/security-and-compliance",
    }
    message = str(unclear.value)
    assert message.startswith("the goal 'security' could mean several things: pick one of ")
    assert all(f"[{i}]" in message for i in ids)
    # Each reading planned as the goal is named outright.
    assert planner.targets(ids[0]) == ["programming-and-software-engineering/security"]


def test_a_bullet_title_that_names_more_elsewhere_asks(curriculum: Curriculum) -> None:
    # "Deep Learning" is a bullet of time series forecasting; the learner more likely means
    # Deep Learning Fundamentals. Asked, by title alone: no embedder needed.
    def factory():
        raise AssertionError("the embedder was loaded for a title")

    planner = StudyPlanner(curriculum, embeddings=factory)
    with pytest.raises(GoalUnclear) as unclear:
        planner.targets("Deep Learning")
    ids = [c.id for c in unclear.value.candidates]
    assert ids == [
        "machine-learning-and-deep-learning/deep-learning-fundamentals",
        "machine-learning-and-deep-learning/time-series-forecasting/deep-learning",
    ]
    # A bullet no bigger part of the roadmap names is still named outright.
    assert planner.targets("Kubernetes") == [KUBERNETES]


def test_a_free_text_plan(embedded, curriculum: Curriculum) -> None:
    planner, _ = embedded
    plan = planner.plan(request(goal="I want to build LLM apps", weeks=12, start=START, known=("Python",)))
    assert plan.goal == "I want to build LLM apps"
    assert plan.targets == list(curriculum.tracks["llm-application-engineer"].targets)
    learned = {i.topic_id for w in plan.weeks for i in w.items if i.kind == "learn"}
    assert learned and CORE_LANGUAGES not in learned
