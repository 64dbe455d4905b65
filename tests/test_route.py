"""app/plan/route.py: the full path and the fast track, on the shipped roadmap and curriculum.

The fast track reaches each goal topic with only the essentials of what it lacks, and
what the learner knows counts topic by topic. The two plans the goal-first issue was
filed about are checked here as examples: an MLOps engineer who knows Python and Docker,
and "probability and statistics" in four weeks.
"""

from __future__ import annotations

import functools
from datetime import date

import pytest

from app.core.resources import seeds_dir
from app.plan.curriculum import Curriculum
from app.plan.planner import StudyPlanner
from app.plan.route import Router
from app.plan.schedule import Plan, make_plan
from app.plan.skills import SkillTree

START = date(2027, 1, 4)
CORE_LANGUAGES = "programming-and-software-engineering/programming-languages/core-languages"
PYTHON = f"{CORE_LANGUAGES}/python"
DOCKER = "cloud-computing-and-mlops/containerization-and-orchestration/docker"
KUBERNETES = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
NETWORKING = "cloud-computing-and-mlops/cloud-infrastructure/networking"
CONTAINERS_CI_CD = "programming-and-software-engineering/containerization-and-ci-cd"
CLOUD_BASICS = "cloud-computing-and-mlops/cloud-computing-fundamentals/core-concepts"
MLOPS_BASICS = "cloud-computing-and-mlops/mlops-fundamentals/core-concepts"
SERVING = "cloud-computing-and-mlops/model-deployment/serving-models"


@functools.cache
def shipped() -> Curriculum:
    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return shipped()


def tenths(pieces) -> int:
    return sum(p.tenths for p in pieces)


def goal_hours(plan: Plan) -> float:
    goals = set(plan.goals)
    return sum(
        i.hours
        for w in plan.weeks
        for i in w.items
        if i.kind in ("learn", "essentials") and i.topic_id in goals
    )


def work_hours(plan: Plan) -> float:
    return sum(i.hours for w in plan.weeks for i in w.items if i.kind != "review")


# --- what a unit holds for a learner ------------------------------------------------------


def test_essentials_are_the_named_topics_at_their_share(curriculum: Curriculum) -> None:
    router = Router(curriculum, set())
    essentials = router.essentials(NETWORKING)
    spec = curriculum.essentials[NETWORKING]
    assert tenths(essentials) == round(spec.share * curriculum.hours[NETWORKING] * 10)
    assert {p.topic for p in essentials} == set(spec.topics)
    # The course is all of it; the deepening is what the essentials leave.
    assert tenths(router.course(NETWORKING)) == curriculum.hours[NETWORKING] * 10
    assert tenths(router.essentials(NETWORKING)) + tenths(router.deepening(NETWORKING)) == tenths(
        router.course(NETWORKING)
    )


def test_knowing_python_credits_python_not_the_whole_unit(curriculum: Curriculum) -> None:
    planner = StudyPlanner(curriculum)
    assert planner.known(("Python",)) == {PYTHON}
    router = Router(curriculum, set(curriculum.topics_of(PYTHON)))
    # Core Languages' essentials are Python: known, so none are needed...
    assert router.essentials(CORE_LANGUAGES) == ()
    assert CORE_LANGUAGES not in router.known_units
    # ... and its course keeps C++/Java, R and JavaScript.
    left = {p.topic.rsplit("/", 1)[-1] for p in router.course(CORE_LANGUAGES)}
    assert PYTHON.rsplit("/", 1)[-1] not in left and len(left) == 3
    plan = make_plan(curriculum, "js", [CORE_LANGUAGES], {PYTHON}, 10, 4, START)
    covered = {t for w in plan.weeks for i in w.items for t in i.topics}
    assert covered and PYTHON not in covered
    assert sum(i.hours for w in plan.weeks for i in w.items if i.kind == "learn") == pytest.approx(
        tenths(router.course(CORE_LANGUAGES)) / 10
    )


def test_known_essential_topics_shrink_the_essentials(curriculum: Curriculum) -> None:
    spec = curriculum.essentials[NETWORKING]
    full = tenths(Router(curriculum, set()).essentials(NETWORKING))
    half = tenths(Router(curriculum, {spec.topics[0]}).essentials(NETWORKING))
    assert 0 < half < full
    assert Router(curriculum, set(spec.topics)).essentials(NETWORKING) == ()


# --- the routes --------------------------------------------------------------------------


def test_nothing_behind_a_known_unit_is_needed(curriculum: Curriculum) -> None:
    """Knowing Docker, a learner owes Kubernetes nothing that only Docker builds on (containerization
    and CI/CD, Python); what networking, the other prerequisite, builds on is still needed."""
    router = Router(curriculum, set(curriculum.syllabus.topics(DOCKER)))
    needed = router.needed([KUBERNETES])
    assert needed == {KUBERNETES} | curriculum.closure({NETWORKING})
    assert CONTAINERS_CI_CD in curriculum.closure({KUBERNETES}) and CONTAINERS_CI_CD not in needed
    # Both routes owe the same units, so a plan with room for them all leaves nothing out.
    full = {s.unit for s in router.full_path([KUBERNETES])}
    goal, depth, optional = router.fast_track([KUBERNETES])
    assert full == needed == {s.unit for s in goal + depth + optional}
    plan = make_plan(curriculum, "k8s", [KUBERNETES], {DOCKER}, 10, 10, START)
    assert plan.mode == "full" and not plan.unscheduled
    assert {i.topic_id for w in plan.weeks for i in w.items if i.kind in ("learn", "essentials")} == needed


def test_the_full_path_learns_everything_in_full(curriculum: Curriculum) -> None:
    router = Router(curriculum, set())
    steps = router.full_path([KUBERNETES])
    assert all(s.kind == "learn" for s in steps)
    assert {s.unit for s in steps} == curriculum.closure({KUBERNETES})
    assert steps[-1].unit == KUBERNETES
    # With the budget for it, the plan covers the whole path, nothing left over, goal first:
    # Kubernetes after the essentials of Docker, and the rest of Docker after Kubernetes.
    plan = make_plan(curriculum, "k8s", [KUBERNETES], set(), 20, 20, START)
    assert plan.mode == "full" and not plan.unscheduled
    work = [i for w in plan.weeks for i in w.items if i.kind in ("learn", "essentials")]
    learned: dict[str, float] = {}
    for item in work:
        learned[item.topic_id] = learned.get(item.topic_id, 0.0) + item.hours
    assert learned == pytest.approx(
        {u: curriculum.hours[u] for u in curriculum.closure({KUBERNETES})}, abs=0.05
    )
    order = [(i.kind, i.topic_id) for i in work]
    assert (
        order.index(("essentials", DOCKER))
        < order.index(("learn", KUBERNETES))
        < order.index(("learn", DOCKER))
    )


def test_the_fast_track_prepares_each_goal_topic_with_essentials(curriculum: Curriculum) -> None:
    router = Router(curriculum, set())
    goal, depth, optional = router.fast_track([KUBERNETES])
    # Kubernetes after the essentials of Docker and networking, which need cloud basics first.
    assert [(s.unit, s.kind) for s in goal][-1] == (KUBERNETES, "learn")
    prepared = [s.unit for s in goal if s.kind == "essentials"]
    assert prepared.index(CLOUD_BASICS) < prepared.index(NETWORKING)
    assert {DOCKER, NETWORKING} <= set(prepared)
    # Then the rest of Docker and networking; what lies further back is only listed.
    assert {s.unit for s in depth if s.kind == "learn"} == {DOCKER, NETWORKING}
    assert CLOUD_BASICS in {s.unit for s in optional}
    assert all(s.serves is None for s in depth + optional)


def test_a_goal_topic_needs_only_the_essentials_of_a_goal_topic_it_builds_on(curriculum: Curriculum) -> None:
    # Serving models builds on MLOps basics, another goal topic: the cheaper goal comes first,
    # after MLOps basics' essentials, and the rest of MLOps basics follows as a goal of its own.
    assert MLOPS_BASICS in curriculum.prerequisites[SERVING]
    goal, _, _ = Router(curriculum, set()).fast_track([SERVING, MLOPS_BASICS])
    steps = [(s.unit, s.kind) for s in goal]
    assert steps.index((MLOPS_BASICS, "essentials")) < steps.index((SERVING, "learn"))
    assert steps.index((SERVING, "learn")) < steps.index((MLOPS_BASICS, "learn"))
    essentials = next(s for s in goal if (s.unit, s.kind) == (MLOPS_BASICS, "essentials"))
    rest = next(s for s in goal if (s.unit, s.kind) == (MLOPS_BASICS, "learn"))
    assert essentials.tenths + rest.tenths == curriculum.syllabus.tenths(MLOPS_BASICS)


def test_a_fast_track_plan_spends_its_hours_on_the_goal_and_lists_the_deepening(
    curriculum: Curriculum,
) -> None:
    # The full path to Kubernetes does not fit 12 weeks at 6 h. The plan reaches Kubernetes and
    # stops there; the rest of Docker and networking (and what lies further back) is listed as
    # deepening for after the goal, not laid into the weeks.
    plan = make_plan(curriculum, "kubernetes", [KUBERNETES], set(), 6, 12, START)
    assert plan.mode == "fast-track"
    assert len(plan.weeks) < 12
    work = [i for w in plan.weeks for i in w.items if i.kind in ("learn", "essentials")]
    assert all(i.serves == KUBERNETES for i in work)
    assert {i.topic_id for i in work if i.kind == "learn"} == {KUBERNETES}
    deepening = [x.topic_id for x in plan.unscheduled if x.kind == "deepening"]
    assert {NETWORKING, DOCKER, CLOUD_BASICS} <= set(deepening)
    assert len(deepening) == len(set(deepening))  # a unit once, with all that is left of it
    assert goal_hours(plan) / work_hours(plan) >= 0.5


def test_asked_to_deepen_a_fast_track_fills_the_weeks_after_the_goal(curriculum: Curriculum) -> None:
    goal_only = make_plan(curriculum, "kubernetes", [KUBERNETES], set(), 6, 12, START)
    plan = make_plan(curriculum, "kubernetes", [KUBERNETES], set(), 6, 12, START, deepen=True)
    assert plan.mode == "fast-track" and len(plan.weeks) == 12
    assert plan.feasibility.deepens and not goal_only.feasibility.deepens
    assert "while the weeks last" in plan.feasibility.summary(6, 12)
    assert "listed as optional deepening" in goal_only.feasibility.summary(6, len(goal_only.weeks))
    # The same goal weeks first, then the deepening: Docker and networking in full.
    assert [w.items for w in plan.weeks[: len(goal_only.weeks) - 1]] == [
        w.items for w in goal_only.weeks[:-1]
    ]
    deepened = {i.topic_id for w in plan.weeks for i in w.items if i.kind == "learn" and i.serves is None}
    assert {DOCKER, NETWORKING} <= deepened
    left = [x.topic_id for x in plan.unscheduled]
    assert all(x.kind == "deepening" for x in plan.unscheduled) and len(left) == len(set(left))


# --- the plans the issue was filed about ---------------------------------------------------


def test_an_mlops_engineer_who_knows_python_and_docker_starts_on_mlops(curriculum: Curriculum) -> None:
    planner = StudyPlanner(curriculum)
    track = curriculum.tracks["mlops-engineer"]
    plan = make_plan(
        curriculum, "MLOps engineer", list(track.targets), planner.known(("Python", "Docker")), 10, 16, START
    )
    assert plan.mode == "fast-track"
    assert DOCKER in plan.known_targets and DOCKER not in plan.goals
    first_goal = min(
        w.week for w in plan.weeks for i in w.items if i.kind == "learn" and i.topic_id in plan.goals
    )
    assert first_goal == 1
    assert goal_hours(plan) / work_hours(plan) >= 0.5
    assert all(w.serves for w in plan.weeks)  # every week works toward a goal topic
    assert plan.feasibility.full_path_hours > 160 and plan.feasibility.full_path_weeks > 16


def test_probability_and_statistics_in_four_weeks_is_about_them(curriculum: Curriculum) -> None:
    planner = StudyPlanner(curriculum)
    targets = planner.targets("Probability Theory, Statistics")
    plan = make_plan(curriculum, "probability and statistics", targets, set(), 7, 4, START)
    assert plan.mode == "fast-track"
    assert {i.topic_id for w in plan.weeks for i in w.items if i.kind == "learn"} <= set(targets)
    assert goal_hours(plan) / work_hours(plan) >= 0.75
    # Nothing of Core Languages: the maths does not need Python first.
    assert CORE_LANGUAGES not in {i.topic_id for w in plan.weeks for i in w.items}


def test_machine_learning_concepts_come_before_its_libraries(curriculum: Curriculum) -> None:
    """The essentials of ML fundamentals (types of learning, features and labels, splits,
    overfitting) are concepts: NumPy, SciPy and plotting wait for the full course, so a Python
    learner's GANs start in week 3 at 12 h a week, not week 4."""
    generative = "machine-learning-and-deep-learning/generative-models"
    math_tools = "mathematics-and-statistics/practical-tools-and-libraries"
    ml_basics = "machine-learning-and-deep-learning/machine-learning-fundamentals/core-concepts"
    assert math_tools not in curriculum.essentials[ml_basics].needs
    plan = make_plan(curriculum, "GANs", [generative], {PYTHON}, 12, 20, START)
    first = min(w.week for w in plan.weeks for i in w.items if i.kind == "learn" and i.topic_id == generative)
    assert first <= 3
    before = {i.topic_id for w in plan.weeks if w.week < first for i in w.items}
    assert math_tools not in before


# --- a goal that names a topic of its unit ------------------------------------------------

ADVANCED_ML = "machine-learning-and-deep-learning/advanced-machine-learning"
REINFORCEMENT = f"{ADVANCED_ML}/reinforcement-learning"
MODEL_EVALUATION = "machine-learning-and-deep-learning/model-evaluation-and-validation"


def test_a_goal_topic_needs_only_what_it_needs(curriculum: Curriculum) -> None:
    """Reinforcement learning (a topic of Advanced Machine Learning) needs stochastic processes and
    deep learning, not the model evaluation and classification that ensembles need."""
    from evals.scorers import plan_violations
    from evals.suites import plan_rules

    assert MODEL_EVALUATION in curriculum.prerequisites[ADVANCED_ML]
    whole = Router(curriculum, set())
    focused = Router(curriculum, set(), {ADVANCED_ML: (REINFORCEMENT,)})
    assert MODEL_EVALUATION in whole.needed([ADVANCED_ML])
    assert MODEL_EVALUATION not in focused.needed([ADVANCED_ML])
    assert {p.topic for p in focused.course(ADVANCED_ML)} == {REINFORCEMENT}

    for hours, weeks in ((14, 16), (6, 4)):  # the full path fits; the fast track
        plan = make_plan(curriculum, "rl", [ADVANCED_ML], set(), hours, weeks, START, focus=[REINFORCEMENT])
        assert plan.focus == {ADVANCED_ML: (REINFORCEMENT,)}
        units = {i.topic_id for w in plan.weeks for i in w.items}
        assert MODEL_EVALUATION not in units
        goal_topics = {t for w in plan.weeks for i in w.items if i.topic_id == ADVANCED_ML for t in i.topics}
        assert goal_topics <= {REINFORCEMENT}
        data = plan.to_json()
        assert data["focus"] == [REINFORCEMENT]
        assert "Reinforcement Learning" in plan.goal_labels[0]
        rules = plan_rules(curriculum, set(), plan.focus)
        assert plan_violations(data["weeks"], rules, hours)["prerequisite"] == 0
        # Judged by the whole unit's prerequisites, the same plan would break them: the focus matters.
        if goal_topics:
            assert plan_violations(data["weeks"], plan_rules(curriculum, set()), hours)["prerequisite"] > 0


def test_git_on_its_own_needs_no_programming_language(curriculum: Curriculum) -> None:
    """Version Control is a topic of Software Development Practices, which builds on Core
    Languages for its testing and debugging; learned on its own, Git starts in week 1."""
    practices = "programming-and-software-engineering/software-development-practices"
    plan = make_plan(
        curriculum, "git", [practices], set(), 5, 3, START, focus=[f"{practices}/version-control"]
    )
    first = [i.topic_id for i in plan.weeks[0].items]
    assert first == [practices] and CORE_LANGUAGES not in {i.topic_id for w in plan.weeks for i in w.items}


def test_a_focus_is_dropped_where_another_goal_needs_the_whole_unit(curriculum: Curriculum) -> None:
    assert Router.focused(curriculum, [CORE_LANGUAGES], [PYTHON]) == {CORE_LANGUAGES: (PYTHON,)}
    # Docker builds on Core Languages, so Core Languages is needed whole.
    assert DOCKER in curriculum.closure({DOCKER}) and CORE_LANGUAGES in curriculum.closure({DOCKER})
    assert Router.focused(curriculum, [CORE_LANGUAGES, DOCKER], [PYTHON]) == {}
    # A topic outside the targets, or not a topic, is no focus.
    assert Router.focused(curriculum, [DOCKER], [PYTHON, CORE_LANGUAGES]) == {}


def test_a_named_topic_is_the_goal_not_its_whole_unit(curriculum: Curriculum) -> None:
    planner = StudyPlanner(curriculum)
    assert planner.goal_of("Python") == ([CORE_LANGUAGES], [PYTHON])
    assert planner.goal_of("Core Languages") == ([CORE_LANGUAGES], [])
    plan = planner.plan(planner_request("Python"), today=START)
    covered = {t for w in plan.weeks for i in w.items if i.kind == "learn" for t in i.topics}
    assert covered == {PYTHON}


def planner_request(goal: str):
    from app.plan.planner import PlanRequest

    return PlanRequest(goal, 10, weeks=8)


@pytest.mark.parametrize("known", [set(), {PYTHON}])
@pytest.mark.parametrize("soon", [0, 100, 10_000])
def test_the_first_goal_topic_comes_within_soon_where_one_can(
    curriculum: Curriculum, known: set[str], soon: int
) -> None:
    """The cheapest goal topic per hour comes first when its preparation is within `soon`;
    otherwise the one reached soonest does."""
    router = Router(curriculum, known)

    def preparation(steps) -> int:
        first_learn = next(n for n, s in enumerate(steps) if s.kind == "learn")
        return sum(s.tenths for s in steps[:first_learn])

    for track in curriculum.tracks.values():
        steps, _, _ = router.fast_track(list(track.targets), soon=soon)
        by_ratio = preparation(router.fast_track(list(track.targets))[0])
        goals = [t for t in track.targets if t in router.needed(list(track.targets))]
        soonest = min(preparation(router.fast_track([g])[0]) for g in goals)
        expected = by_ratio if by_ratio <= soon else soonest
        assert preparation(steps) == expected, track.id
