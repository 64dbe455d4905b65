"""app/learner/placement.py and evals/simulated.py: at most 15 questions, read through the prerequisites."""

from __future__ import annotations

import pytest

from app.learner.placement import MAX_ITEMS, Placed, Placement
from app.plan.curriculum import Curriculum
from evals.learner_suites import placement as placement_suite
from evals.progress import no_progress
from evals.simulated import population


def run(quiz: Placement, knows) -> list[Placed]:
    answers: list[Placed] = []
    while (unit := quiz.next_unit(answers)) is not None:
        answers.append(Placed(unit, knows(unit)))
    return answers


def test_it_never_asks_more_than_fifteen_nor_a_unit_twice(curriculum: Curriculum) -> None:
    quiz = Placement(curriculum)
    for knows in (lambda u: True, lambda u: False, lambda u: hash(u) % 3 == 0):
        answers = run(quiz, knows)
        assert len(answers) <= MAX_ITEMS
        assert len({a.unit_id for a in answers}) == len(answers)


def test_a_right_answer_means_the_prerequisites_are_known(curriculum: Curriculum) -> None:
    quiz = Placement(curriculum)
    deep = max(quiz.order, key=lambda u: len(quiz.needs[u]))
    assert quiz.known([Placed(deep, True)]) == [u for u in quiz.order if u in quiz.needs[deep] | {deep}]


def test_a_miss_skips_the_units_that_build_on_it(curriculum: Curriculum) -> None:
    quiz = Placement(curriculum)
    answers = [Placed(quiz.next_unit([]), False)]
    skipped = quiz.needed_by[answers[0].unit_id]
    assert skipped
    asked = {a.unit_id for a in run_from(quiz, answers, lambda u: False)}
    assert not asked & skipped


def run_from(quiz: Placement, answers: list[Placed], knows) -> list[Placed]:
    answers = list(answers)
    while (unit := quiz.next_unit(answers)) is not None:
        answers.append(Placed(unit, knows(unit)))
    return answers


def test_a_goal_narrows_the_quiz_to_what_the_goal_needs(curriculum: Curriculum) -> None:
    scope = curriculum.closure(set(curriculum.tracks["data-engineer"].targets))
    quiz = Placement(curriculum, scope)
    assert {a.unit_id for a in run(quiz, lambda u: True)} <= scope


def test_simulated_learners_know_prerequisite_closed_sets(curriculum: Curriculum) -> None:
    learners = population(curriculum, "dev")
    assert len(learners) == 100
    for learner in learners:
        assert curriculum.closure(set(learner.known)) == set(learner.known)
    assert population(curriculum, "dev")[5].known == learners[5].known  # same seed, same people


@pytest.mark.parametrize("split", ["dev", "test"])
def test_placement_recovers_simulated_learners_known_units(
    curriculum: Curriculum, split: str, report
) -> None:
    class Parts:  # the suite only needs the planner's curriculum
        class planner:
            pass

    Parts.planner.curriculum = curriculum
    metrics, records = placement_suite(Parts, split, None, no_progress)
    assert metrics.learners == 100 and metrics.items_max <= MAX_ITEMS
    assert metrics.agreement >= 0.9  # the target
    assert metrics.agreement > metrics.all_unknown_agreement  # better than proposing nothing
    report(
        f"placement ({split} population): agreement {metrics.agreement:.3f} (all-unknown baseline "
        f"{metrics.all_unknown_agreement:.3f}), recall {metrics.known_recall:.3f}, precision "
        f"{metrics.known_precision:.3f}, items max {metrics.items_max}, mean {metrics.items_mean:.1f}"
    )
