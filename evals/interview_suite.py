"""The interview suite: real interview questions, answered by the tutor and scored against references.

Every case gets the tutor's coverage decision (covered / related / none) and is
scored against its label; the cases with a reference answer are also answered
in full and scored for key-fact recall (each fact a list of phrases, any one of
which must appear), answer length, whether the explanation comes first, and time.
"""

from __future__ import annotations

import statistics

from app.answer.placing import WHERE
from app.wiring import Parts
from evals import cases as datasets
from evals import scorers
from evals.metrics import InterviewMetrics
from evals.progress import Progress
from evals.results import InterviewRecord


def interview(parts: Parts, split: str, limit: int | None, progress: Progress):
    tutor = parts.tutor
    records = []
    for case in progress(datasets.interview(split, limit), "interview"):
        decided = tutor.coverage_of(case.question)
        answer = tutor.ask(case.question) if case.key_facts else None
        records.append(
            InterviewRecord(
                id=case.id,
                split=case.split,
                question=case.question,
                source=case.source,
                label=case.coverage,
                coverage=answer.coverage if answer else decided,
                answer=answer.text if answer else None,
                key_fact_recall=scorers.key_fact_recall(answer.text, case.key_facts) if answer else None,
                words=scorers.word_count(answer.text) if answer else None,
                first_text_ms=answer.timings_ms.get("first_text") if answer else None,
                total_ms=answer.timings_ms.get("total") if answer else None,
            )
        )
    answered = [r for r in records if r.answer is not None]
    covered = [r for r in records if r.label == "covered"]
    adjacent = [r for r in records if r.label != "covered"]
    in_scope = [r for r in answered if r.label == "covered" and r.coverage == "covered"]
    return InterviewMetrics(
        key_fact_recall=scorers.mean(r.key_fact_recall for r in answered if r.label == "covered"),
        key_fact_recall_all=scorers.mean(r.key_fact_recall for r in answered),
        coverage_accuracy=scorers.mean(r.coverage == r.label for r in records),
        covered_kept=scorers.mean(r.coverage == "covered" for r in covered),
        adjacent_not_covered=scorers.mean(r.coverage != "covered" for r in adjacent),
        explanation_first=scorers.mean(not (r.answer or "").startswith(WHERE) for r in in_scope),
        answer_words_median=statistics.median([r.words for r in answered]) if answered else 0.0,
        first_text_p50_ms=scorers.percentile([r.first_text_ms for r in answered if r.first_text_ms], 50),
        answer_p50_ms=scorers.percentile([r.total_ms for r in answered if r.total_ms], 50),
        cases=len(records),
        answered=len(answered),
    ), records
