"""The learner suites: free-text grading against labelled answers, and placement on simulated learners.

`grading` grades every labelled answer of evals/datasets/grading.yaml with
the shipped grader (weights fitted on the dev split by `evals.calibrate`) and
counts agreement with the labels. `placement` runs the placement quiz for
each simulated learner (`evals.simulated`) and compares the units it proposes
with the ones the learner knows, over every unit in scope.
"""

from __future__ import annotations

from statistics import mean

from app.learner.items import Item
from app.learner.placement import Placed, Placement
from app.wiring import Parts
from evals import cases as datasets
from evals import simulated
from evals.metrics import GradingMetrics, PlacementMetrics
from evals.progress import Progress
from evals.results import GradingRecord, PlacementRecord


def item_for(parts: Parts, case: datasets.GradingCase) -> Item:
    """The bank's item with this question, as the tutor grades it, else a bare one with the case's key.

    The dataset quotes the markdown line; the bank holds its text (inline code marks removed).
    """
    bank = parts.learners.bank
    for item in bank.items:
        if _plain(item.question) == _plain(case.question):
            return item
    return Item(case.id, "", "", case.question, case.key, "card", ())


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split()).casefold()


def grading(parts: Parts, split: str, limit: int | None, progress: Progress):
    grader = parts.learners.grader
    records = []
    for case in progress(datasets.grading(split, limit), "grading"):
        item = item_for(parts, case)
        for n, answer in enumerate(case.answers, start=1):
            grade = grader.grade(item, answer.text)
            records.append(
                GradingRecord(
                    id=f"{case.id}/{n}",
                    split=case.split,
                    question=case.question,
                    key=case.key,
                    answer=answer.text,
                    kind=answer.kind,
                    label=answer.correct,
                    graded=grade.correct,
                    score=round(grade.score, 4),
                )
            )
    right = [r for r in records if r.label]
    wrong = [r for r in records if not r.label]
    metrics = GradingMetrics(
        agreement=mean(r.graded == r.label for r in records) if records else 0.0,
        right_accepted=mean(r.graded for r in right) if right else 0.0,
        wrong_rejected=mean(not r.graded for r in wrong) if wrong else 0.0,
        answers=len(records),
        items=len({r.id.split("/")[0] for r in records}),
    )
    return metrics, records


def placement(parts: Parts, split: str, limit: int | None, progress: Progress):
    curriculum = parts.planner.curriculum
    quiz = Placement(curriculum)
    units = quiz.order
    records = []
    recalls, precisions, baselines = [], [], []
    for learner in progress(simulated.population(curriculum, split)[:limit], "placement"):
        answers: list[Placed] = []
        while (unit := quiz.next_unit(answers)) is not None:
            answers.append(Placed(unit, learner.answers_right(unit)))
        found = set(quiz.known(answers))
        agreement = mean((u in found) == (u in learner.known) for u in units)
        baselines.append(mean(u not in learner.known for u in units))
        if learner.known:
            recalls.append(len(found & learner.known) / len(learner.known))
        if found:
            precisions.append(len(found & learner.known) / len(found))
        records.append(
            PlacementRecord(
                id=learner.id,
                split=learner.id.split("-")[0],
                question="",
                asked=len(answers),
                agreement=round(agreement, 4),
                known=len(learner.known),
                found=len(found),
            )
        )
    metrics = PlacementMetrics(
        agreement=mean(r.agreement for r in records),
        items_max=max(r.asked for r in records),
        items_mean=mean(r.asked for r in records),
        known_recall=mean(recalls) if recalls else 1.0,
        known_precision=mean(precisions) if precisions else 1.0,
        all_unknown_agreement=mean(baselines),
        learners=len(records),
    )
    return metrics, records
